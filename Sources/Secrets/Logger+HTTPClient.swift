// Logger+HTTPClient: the logger a client library gets, kept from the levels that log what goes over the wire.

public import Logging

extension Logger {
    /// The logger handed to an HTTP client: at trace level async-http-client logs parts of request and response
    /// bodies, which carry tokens, client secrets and app secrets. It gets at most info, whatever the service's level.
    public var forHTTPClient: Logger { atInfoOrAbove }

    /// The logger handed to the PostgreSQL client: at trace level postgres-nio logs every backend message, rows
    /// included, and the store's rows hold the Feishu token pair. It gets at most info, whatever the service's level.
    public var forDatabaseClient: Logger { atInfoOrAbove }

    private var atInfoOrAbove: Logger {
        var quiet = self
        if quiet.logLevel < .info { quiet.logLevel = .info }
        return quiet
    }
}
