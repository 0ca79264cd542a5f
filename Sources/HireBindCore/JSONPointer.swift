// JSONPointer: RFC 6901 JSON Pointers (`/employee/names/0`), parsed once and resolved against a JSONValue.

/// An RFC 6901 JSON Pointer: `""` is the whole document, `/a/b/0` the member `b` of `a`, then its first item;
/// `~1` stands for `/` and `~0` for `~` inside a name.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    public let tokens: [String]
    public let description: String

    public init(_ text: String) throws(JSONPointerError) {
        guard !text.isEmpty else {
            self.tokens = []
            self.description = text
            return
        }
        guard text.hasPrefix("/") else { throw JSONPointerError(pointer: text, problem: "must start with '/' (RFC 6901)") }
        var tokens: [String] = []
        for raw in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = ""
            var index = raw.startIndex
            while index < raw.endIndex {
                let character = raw[index]
                index = raw.index(after: index)
                guard character == "~" else {
                    token.append(character)
                    continue
                }
                guard index < raw.endIndex, raw[index] == "0" || raw[index] == "1" else {
                    throw JSONPointerError(pointer: text, problem: "'~' must be followed by 0 or 1")
                }
                token.append(raw[index] == "0" ? "~" : "/")
                index = raw.index(after: index)
            }
            tokens.append(token)
        }
        self.tokens = tokens
        self.description = text
    }

    /// The value the pointer names in `document`, or nil when it names nothing there.
    public func resolve(in document: JSONValue) -> JSONValue? {
        var current = document
        for token in tokens {
            switch current {
            case .object(let members):
                guard let next = members[token] else { return nil }
                current = next
            case .array(let items):
                // RFC 6901: an index is 0 or digits without a leading zero.
                guard let index = Int(token), String(index) == token, index >= 0, index < items.count else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current
    }
}

/// A pointer that is not RFC 6901.
public struct JSONPointerError: Error, Sendable, Equatable, CustomStringConvertible {
    public let pointer: String
    public let problem: String
    public var description: String { "'\(pointer)' \(problem)" }
}

extension JSONValue {
    /// The value as text, for a field that is a string: numbers without a fractional part print as integers
    /// (employee ids are often numbers), booleans as `true`/`false`; nil for null, arrays and objects.
    public var scalarText: String? {
        switch self {
        case .string(let text): text
        case .number(let number):
            if number.rounded() == number, abs(number) < 9.0e15 { String(Int64(number)) } else { String(number) }
        case .bool(let value): value ? "true" : "false"
        case .null, .array, .object: nil
        }
    }
}
