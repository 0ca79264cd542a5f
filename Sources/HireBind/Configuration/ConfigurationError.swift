// ConfigurationError: a configuration that cannot be used, located by file, line and key.

/// A configuration that cannot be used; the message says what to change, and where.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The key at fault first, when there is one: `server.max_body_bytes: must be positive`.
    public var message: String
    /// The dotted key at fault (`sources.hr.secrets[0]`), when the problem has one.
    public var key: String?
    /// The file the key was read from, and its line (1-based), once located.
    public var file: String?
    public var line: Int?

    public init(_ message: String) {
        self.message = message
    }

    /// A problem with one key: the message starts with the key.
    public init(key: String, _ problem: String) {
        self.message = "\(key): \(problem)"
        self.key = key
    }

    /// `file:line: message`, as compilers print it, so editors can jump there.
    public var description: String {
        switch (file, line) {
        case (let file?, let line?): "\(file):\(line): \(message)"
        case (let file?, nil): "\(file): \(message)"
        default: message
        }
    }
}
