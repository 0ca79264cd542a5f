// ServerSettings: the `server:` section, the intake listener.

/// The intake listener.
public struct ServerSettings: Sendable, Codable {
    public var host: String
    public var port: Int
    /// Largest accepted webhook body; larger ones get 413.
    public var maxBodyBytes: Int
    /// Longest time to receive a webhook's body; a client that trickles it gets 408.
    public var bodyTimeoutSeconds: Double
    /// A connection that sends nothing for this long is closed.
    public var idleTimeoutSeconds: Double
    /// A request's line and headers must arrive within this long; a client trickling them is cut off.
    public var headerTimeoutSeconds: Double
    /// Connections served at once; more wait in the listen backlog.
    public var maxConnections: Int
    /// Failed authentications (a webhook signature, an admin token) a client address may have within
    /// `auth_failure_window_seconds`; past that it is answered 429 until its oldest failure leaves the window.
    public var authFailureLimit: Int
    public var authFailureWindowSeconds: Double

    public init(
        host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 1_048_576, bodyTimeoutSeconds: Double = 10,
        idleTimeoutSeconds: Double = 30, headerTimeoutSeconds: Double = 10, maxConnections: Int = 1000, authFailureLimit: Int = 20,
        authFailureWindowSeconds: Double = 60
    ) {
        self.authFailureLimit = authFailureLimit
        self.authFailureWindowSeconds = authFailureWindowSeconds
        self.headerTimeoutSeconds = headerTimeoutSeconds
        self.maxConnections = maxConnections
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.bodyTimeoutSeconds = bodyTimeoutSeconds
        self.idleTimeoutSeconds = idleTimeoutSeconds
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        host = try c.value(.host, default: defaults.host)
        port = try c.value(.port, default: defaults.port)
        maxBodyBytes = try c.value(.maxBodyBytes, default: defaults.maxBodyBytes)
        bodyTimeoutSeconds = try c.value(.bodyTimeoutSeconds, default: defaults.bodyTimeoutSeconds)
        idleTimeoutSeconds = try c.value(.idleTimeoutSeconds, default: defaults.idleTimeoutSeconds)
        headerTimeoutSeconds = try c.value(.headerTimeoutSeconds, default: defaults.headerTimeoutSeconds)
        maxConnections = try c.value(.maxConnections, default: defaults.maxConnections)
        authFailureLimit = try c.value(.authFailureLimit, default: defaults.authFailureLimit)
        authFailureWindowSeconds = try c.value(.authFailureWindowSeconds, default: defaults.authFailureWindowSeconds)
    }

    enum CodingKeys: String, CodingKey {
        case host, port
        case maxBodyBytes = "max_body_bytes"
        case bodyTimeoutSeconds = "body_timeout_seconds"
        case idleTimeoutSeconds = "idle_timeout_seconds"
        case headerTimeoutSeconds = "header_timeout_seconds"
        case maxConnections = "max_connections"
        case authFailureLimit = "auth_failure_limit"
        case authFailureWindowSeconds = "auth_failure_window_seconds"
    }
}
