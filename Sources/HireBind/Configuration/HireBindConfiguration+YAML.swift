// HireBindConfiguration+YAML: reading the YAML file, with every error located by file, line and key.

import Foundation
import Yams

extension HireBindConfiguration {
    /// Reads and checks a YAML configuration file.
    public static func load(path: String) throws(ConfigurationError) -> HireBindConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            var error = ConfigurationError("cannot read the configuration file")
            error.file = path
            throw error
        }
        return try parse(yaml: String(decoding: data, as: UTF8.self), origin: path)
    }

    /// Decodes and checks `yaml`; errors carry `origin` as their file and the line of the key at fault.
    public static func parse(yaml: String, origin: String = "configuration") throws(ConfigurationError) -> HireBindConfiguration {
        var located: ConfigurationError
        do {
            let configuration = try YAMLDecoder().decode(HireBindConfiguration.self, from: yaml)
            try configuration.validate()
            return configuration
        } catch let error as DecodingError {
            located = ConfigurationError.decoding(error)
        } catch let error as ConfigurationError {
            located = error
        } catch {
            located = ConfigurationError("not valid YAML: \(error)")
            if case .scanner(_, _, let mark, _) = error as? YamlError { located.line = mark.line }
            if case .parser(_, _, let mark, _) = error as? YamlError { located.line = mark.line }
        }
        located.file = origin
        if located.line == nil, let key = located.key {
            located.line = YAMLKeyLocator(yaml: yaml).line(of: key)
        }
        throw located
    }
}

extension ConfigurationError {
    /// The decoder's error, named by its key.
    static func decoding(_ error: DecodingError) -> ConfigurationError {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            var located = ConfigurationError(key: path(context.codingPath + [key]), "required key is missing")
            // A missing key has no line of its own: point at its parent.
            located.line = nil
            located.key = path(context.codingPath)
            located.message = "\(path(context.codingPath + [key])): required key is missing"
            return located
        case .typeMismatch(let type, let context):
            return ConfigurationError(key: path(context.codingPath), "expected \(type)")
        case .valueNotFound(let type, let context):
            return ConfigurationError(key: path(context.codingPath), "expected \(type), found nothing")
        case .dataCorrupted(let context):
            return ConfigurationError(key: path(context.codingPath), context.debugDescription)
        @unknown default:
            return ConfigurationError("\(error)")
        }
    }
}

/// Finds the line of a dotted key (`sources.hr.secrets[0]`) in a YAML document.
struct YAMLKeyLocator {
    let root: Node?

    init(yaml: String) {
        root = try? Yams.compose(yaml: yaml)
    }

    /// The line of the deepest part of `key` that exists in the document; nil when not even its first part does.
    func line(of key: String) -> Int? {
        guard var node = root else { return nil }
        var line: Int?
        for part in Self.parts(of: key) {
            switch part {
            case .name(let name):
                guard let (keyNode, value) = node.mapping?.first(where: { $0.key.string == name }) else { return line }
                line = keyNode.mark?.line
                node = value
            case .index(let index):
                guard let sequence = node.sequence, index < sequence.count else { return line }
                node = sequence[index]
                line = node.mark?.line ?? line
            }
        }
        return line
    }

    enum Part { case name(String), index(Int) }

    static func parts(of key: String) -> [Part] {
        var parts: [Part] = []
        for segment in key.split(separator: ".", omittingEmptySubsequences: true) {
            var rest = Substring(segment)
            if let bracket = rest.firstIndex(of: "[") {
                if bracket > rest.startIndex { parts.append(.name(String(rest[..<bracket]))) }
                rest = rest[bracket...]
                while rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                    if let index = Int(rest[rest.index(after: rest.startIndex)..<close]) { parts.append(.index(index)) }
                    rest = rest[rest.index(after: close)...]
                }
            } else {
                parts.append(.name(String(rest)))
            }
        }
        return parts
    }
}
