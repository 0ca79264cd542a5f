// SignedContentTemplate: which bytes a sender's HMAC runs over, as a template over the request's parts.

/// What a sender signs, written as literal text and placeholders: `{body}` (the raw body bytes), `{timestamp}`
/// and `{id}` (the values of the scheme's timestamp and id headers, as sent) and `{method}` (`POST`).
/// `"{body}"` is GitHub's and Greenhouse's; `"{id}.{timestamp}.{body}"` is Standard Webhooks'; `"{method}{body}"`
/// is Deel's. Parsed once, at start-up; rendering is a concatenation.
public struct SignedContentTemplate: Sendable, Equatable, CustomStringConvertible {
    /// One piece of the template.
    public enum Part: Sendable, Equatable {
        case literal([UInt8])
        case body
        case timestamp
        case id
        case method
    }

    public let parts: [Part]
    public let description: String

    /// The placeholders a template may name.
    public static let placeholders = ["body", "timestamp", "id", "method"]

    /// Parses `text`; `{{` and `}}` stand for literal braces.
    public init(_ text: String) throws(SignedContentTemplateError) {
        var parts: [Part] = []
        var literal: [UInt8] = []
        var index = text.startIndex
        func flush() {
            if !literal.isEmpty { parts.append(.literal(literal)) }
            literal = []
        }
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            if character == "{", next < text.endIndex, text[next] == "{" {
                literal.append(UInt8(ascii: "{"))
                index = text.index(after: next)
            } else if character == "}", next < text.endIndex, text[next] == "}" {
                literal.append(UInt8(ascii: "}"))
                index = text.index(after: next)
            } else if character == "{" {
                guard let close = text[next...].firstIndex(of: "}") else {
                    throw SignedContentTemplateError(message: "'{' without a closing '}' in '\(text)'")
                }
                let name = String(text[next..<close])
                flush()
                switch name {
                case "body": parts.append(.body)
                case "timestamp": parts.append(.timestamp)
                case "id": parts.append(.id)
                case "method": parts.append(.method)
                default:
                    throw SignedContentTemplateError(
                        message: "unknown placeholder {\(name)}; use \(Self.placeholders.map { "{\($0)}" }.joined(separator: ", "))")
                }
                index = text.index(after: close)
            } else if character == "}" {
                throw SignedContentTemplateError(message: "'}' without an opening '{' in '\(text)' (write '}}' for a brace)")
            } else {
                literal.append(contentsOf: Array(String(character).utf8))
                index = next
            }
        }
        flush()
        guard parts.contains(.body) else {
            throw SignedContentTemplateError(message: "'\(text)' does not sign {body}: anyone could change the event and keep the signature")
        }
        self.parts = parts
        self.description = text
    }

    /// A template known to be valid (the presets').
    init(known parts: [Part]) {
        precondition(parts.contains(.body))
        self.parts = parts
        self.description = parts.map { part in
            switch part {
            case .literal(let bytes): String(decoding: bytes, as: UTF8.self)
            case .body: "{body}"
            case .timestamp: "{timestamp}"
            case .id: "{id}"
            case .method: "{method}"
            }
        }.joined()
    }

    public func uses(_ part: Part) -> Bool { parts.contains(part) }

    /// The bytes the MAC runs over.
    public func render(body: [UInt8], timestamp: String, id: String, method: String = "POST") -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count + 64)
        for part in parts {
            switch part {
            case .literal(let bytes): out.append(contentsOf: bytes)
            case .body: out.append(contentsOf: body)
            case .timestamp: out.append(contentsOf: Array(timestamp.utf8))
            case .id: out.append(contentsOf: Array(id.utf8))
            case .method: out.append(contentsOf: Array(method.utf8))
            }
        }
        return out
    }
}

/// A signed-content template that cannot be used, and why.
public struct SignedContentTemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
