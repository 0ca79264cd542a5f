// Logger+HTTPClient: the logger an HTTP client gets, kept from the levels that log request and response bodies.

public import Logging

extension Logger {
    /// The logger handed to an HTTP client: at trace level async-http-client logs parts of request and response
    /// bodies, which carry tokens, client secrets and app secrets. It gets at most info, whatever the service's level.
    public var forHTTPClient: Logger {
        var quiet = self
        if quiet.logLevel < .info { quiet.logLevel = .info }
        return quiet
    }
}
