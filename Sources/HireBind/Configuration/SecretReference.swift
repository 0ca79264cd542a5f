// SecretReference: where a secret comes from (an environment variable or a file), and reading it.

public import Foundation
public import Secrets

/// Where a secret comes from: an environment variable or a file. Secrets are never written inline.
public enum SecretReference: Sendable, Hashable, Codable, CustomStringConvertible {
    case environment(String)
    case file(String)

    enum CodingKeys: String, CodingKey {
        case env, file
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let name = try container.decodeIfPresent(String.self, forKey: .env) {
            self = .environment(name)
        } else if let path = try container.decodeIfPresent(String.self, forKey: .file) {
            self = .file(path)
        } else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "a secret is referenced as {env: VARIABLE} or {file: PATH}, never written inline"
                ))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .environment(let name): try container.encode(name, forKey: .env)
        case .file(let path): try container.encode(path, forKey: .file)
        }
    }

    public var description: String {
        switch self {
        case .environment(let name): "environment variable \(name)"
        case .file(let path): "file \(path)"
        }
    }

    /// Reads the secret. The error names where it looked, never what it found.
    public func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) -> Secret {
        let raw: String
        switch self {
        case .environment(let name):
            guard let value = environment[name] else {
                throw ConfigurationError("\(self) is not set")
            }
            raw = value
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError("\(self) cannot be read")
            }
            // A secret others on the machine can read is no secret.
            if let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int, mode & 0o077 != 0 {
                throw ConfigurationError(
                    "\(self) is readable by other users (mode \(String(mode, radix: 8))): make it private with chmod 600 \(path)")
            }
            raw = String(decoding: data, as: UTF8.self)
        }
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw ConfigurationError("\(self) is empty") }
        return Secret(trimmed)
    }
}
