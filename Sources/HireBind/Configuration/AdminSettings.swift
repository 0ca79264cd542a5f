// AdminSettings: the `admin:` section: the admin listener, the bearer token of the admin API, the console.

/// The admin listener (the admin API `/v1/jobs…`, `/v1/callbacks…`, `/metrics` and health), apart from the
/// public port; the admin API is disabled when no token is configured.
public struct AdminSettings: Sendable, Codable {
    /// Where the admin listener listens: loopback by default, so only this machine (or a tunnel) reaches it.
    public var host: String
    /// 0 picks a free port (tests).
    public var port: Int
    public var token: SecretReference?
    /// The web console under `/console`.
    public var console: ConsoleSettings

    public init(host: String = "127.0.0.1", port: Int = 8079, token: SecretReference? = nil, console: ConsoleSettings = .init()) {
        self.host = host
        self.port = port
        self.token = token
        self.console = console
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        host = try c.value(.host, default: defaults.host)
        port = try c.value(.port, default: defaults.port)
        token = try c.decodeIfPresent(SecretReference.self, forKey: .token)
        console = try c.value(.console, default: defaults.console)
    }

    enum CodingKeys: String, CodingKey {
        case host, port, token, console
    }
}
