// CandidateTemplate: local-part templates such as `{given}.{family}{n}`, parsed and rendered.

/// A parsed local-part template such as `{given}.{family}` or `{given_initial}{family}{n}`.
struct CandidateTemplate: Sendable, Hashable {
    enum Token: Sendable, Hashable {
        case literal(String)
        case placeholder(String)
    }

    static let namePlaceholders: Set<String> = [
        "given", "family", "middle", "preferred_given", "given_initial", "family_initial", "middle_initial",
    ]
    static let counterPlaceholder = "n"

    let text: String
    let tokens: [Token]

    var hasCounter: Bool { tokens.contains(.placeholder(Self.counterPlaceholder)) }

    init(_ text: String, separators: Set<Character>) throws(NamingError) {
        var tokens: [Token] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            if rest.first == "{" {
                guard let close = rest.firstIndex(of: "}") else { throw .invalidRule("template '\(text)' has an unclosed '{'") }
                let name = String(rest[rest.index(after: rest.startIndex)..<close])
                guard Self.namePlaceholders.contains(name) || name == Self.counterPlaceholder else {
                    throw .invalidRule("unknown placeholder {\(name)} in template '\(text)'")
                }
                tokens.append(.placeholder(name))
                rest = rest[rest.index(after: close)...]
            } else {
                let end = rest.firstIndex(of: "{") ?? rest.endIndex
                let literal = String(rest[..<end])
                guard literal.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || separators.contains($0) }) else {
                    throw .invalidRule(
                        "template '\(text)' may only hold a-z, 0-9 and the separators \(String(separators.sorted())) outside placeholders")
                }
                tokens.append(.literal(literal))
                rest = rest[end...]
            }
        }
        guard tokens.contains(where: { if case .placeholder(let name) = $0 { Self.namePlaceholders.contains(name) } else { false } }) else {
            throw .invalidRule("template '\(text)' uses no name placeholder")
        }
        self.text = text
        self.tokens = tokens
    }

    /// The counter template made from a template without `{n}`: the counter goes at the end.
    func withCounterAppended() -> CandidateTemplate {
        hasCounter ? self : CandidateTemplate(text: text + "{n}", tokens: tokens + [.placeholder(Self.counterPlaceholder)])
    }

    private init(text: String, tokens: [Token]) {
        self.text = text
        self.tokens = tokens
    }

    /// Renders the local part. Name parts are shortened, longest first, so that the whole never exceeds
    /// `limit` and the counter always fits. Nil names the placeholder whose value is missing.
    func render(_ values: [String: String], counter: String?, limit: Int, tidy: (String) -> String) -> Result<String, MissingPart> {
        var parts: [Int: String] = [:]
        var fixedLength = 0
        for (index, token) in tokens.enumerated() {
            switch token {
            case .literal(let text):
                fixedLength += text.count
            case .placeholder(Self.counterPlaceholder):
                fixedLength += counter?.count ?? 0
            case .placeholder(let name):
                guard let value = values[name] else { return .failure(MissingPart(placeholder: name)) }
                parts[index] = value
            }
        }
        let budget = max(parts.count, limit - fixedLength)
        while parts.values.reduce(0, { $0 + $1.count }) > budget {
            // The longest part loses a character; of equally long ones the later, so the result is deterministic.
            guard let longest = parts.max(by: { ($0.value.count, $0.key) < ($1.value.count, $1.key) }), longest.value.count > 1 else { break }
            parts[longest.key] = String(longest.value.dropLast())
        }
        var local = ""
        for (index, token) in tokens.enumerated() {
            switch token {
            case .literal(let text): local += text
            case .placeholder(Self.counterPlaceholder): local += counter ?? ""
            case .placeholder: local += parts[index] ?? ""
            }
        }
        return .success(tidy(local))
    }

    struct MissingPart: Error {
        var placeholder: String
    }
}
