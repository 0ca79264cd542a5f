// SandboxSettings: the `sandbox:` section, the bundled Feishu simulator `hirebind serve` can start for a dry run.

/// The bundled Feishu sandbox, run in the same process for a dry run (by the executable, never by the service).
public struct SandboxSettings: Sendable, Codable {
    public var enabled: Bool
    public var host: String
    public var port: Int

    public init(enabled: Bool = false, host: String = "127.0.0.1", port: Int = 8081) {
        self.enabled = enabled
        self.host = host
        self.port = port
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        enabled = try c.value(.enabled, default: defaults.enabled)
        host = try c.value(.host, default: defaults.host)
        port = try c.value(.port, default: defaults.port)
    }

    enum CodingKeys: String, CodingKey { case enabled, host, port }
}
