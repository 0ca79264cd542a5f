/// How mailbox addresses are formed.
public struct NamingRule: Sendable, Hashable, Codable {
    /// Local-part template; placeholders: `{given}`, `{family}`, `{given_initial}`, `{family_initial}`.
    public var template: String
    /// Mail domain, e.g. `corp.example.com`.
    public var domain: String
    /// Local parts that are never handed out (compared case-insensitively).
    public var reserved: [String]

    public static let defaultReserved = [
        "abuse", "admin", "administrator", "hostmaster", "info", "mailer-daemon", "noreply", "no-reply",
        "postmaster", "root", "security", "support", "webmaster",
    ]

    public init(template: String = "{given}.{family}", domain: String, reserved: [String] = NamingRule.defaultReserved) {
        self.template = template
        self.domain = domain
        self.reserved = reserved
    }
}

/// Maps an employee's name to mailbox address candidates.
///
/// The namer is pure: uniqueness against addresses already handed out is decided by the store,
/// which tries the candidates of a ``MailboxPlan`` in order inside the transaction that writes the job.
public struct MailboxNamer: Sendable {
    /// Exchange and Entra ID limit the local part of a UPN to 64 characters.
    public static let maximumLocalPartLength = 64
    public static let placeholders: Set<String> = ["given", "family", "given_initial", "family_initial"]

    public let rule: NamingRule
    private let romanizer = Romanizer()
    private let reserved: Set<String>

    public init(rule: NamingRule) throws(NamingError) {
        let tokens = Self.tokens(in: rule.template)
        for case .placeholder(let name) in tokens where !Self.placeholders.contains(name) {
            throw .invalidRule("unknown placeholder {\(name)} in template '\(rule.template)'")
        }
        guard tokens.contains(where: { if case .placeholder = $0 { true } else { false } }) else {
            throw .invalidRule("template '\(rule.template)' has no placeholder")
        }
        guard Self.isValidDomain(rule.domain) else {
            throw .invalidRule("'\(rule.domain)' is not a mail domain")
        }
        self.rule = rule
        self.reserved = Set(rule.reserved.map { $0.lowercased() })
    }

    /// Romanises the name and renders the template; throws when nothing usable is left.
    public func plan(for name: PersonName) throws(NamingError) -> MailboxPlan {
        let family = romanizer.family(name.family)
        let given = romanizer.given(name.given)
        guard !family.isEmpty || !given.isEmpty else {
            throw .nothingUsable("neither given_name nor family_name leaves any letter or digit after transliteration")
        }
        let values: [String: String] = [
            "given": given,
            "family": family,
            "given_initial": String(given.prefix(1)),
            "family_initial": String(family.prefix(1)),
        ]
        var local = ""
        for token in Self.tokens(in: rule.template) {
            switch token {
            case .literal(let text): local += text
            case .placeholder(let name): local += values[name] ?? ""
            }
        }
        local = Self.tidySeparators(local.lowercased())
        guard !local.isEmpty else {
            throw .nothingUsable("the template '\(rule.template)' renders an empty local part for this name")
        }
        return MailboxPlan(
            localPart: local,
            domain: rule.domain.lowercased(),
            familyRomanized: family,
            givenRomanized: given,
            reserved: reserved
        )
    }

    // MARK: Template parsing

    enum Token: Equatable {
        case literal(String)
        case placeholder(String)
    }

    static func tokens(in template: String) -> [Token] {
        var tokens: [Token] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            if open > rest.startIndex { tokens.append(.literal(String(rest[..<open]))) }
            guard let close = rest[open...].firstIndex(of: "}") else {
                tokens.append(.literal(String(rest[open...])))
                return tokens
            }
            tokens.append(.placeholder(String(rest[rest.index(after: open)..<close])))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { tokens.append(.literal(String(rest))) }
        return tokens
    }

    /// Keeps `a-z 0-9 . - _`, collapses runs of separators to their first, strips them at both ends.
    static func tidySeparators(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "a"..."z", "0"..."9":
                out.unicodeScalars.append(scalar)
            case ".", "-", "_":
                if let last = out.unicodeScalars.last, !isSeparator(last) {
                    out.unicodeScalars.append(scalar)
                }
            default:
                continue
            }
        }
        while let last = out.unicodeScalars.last, isSeparator(last) { out.unicodeScalars.removeLast() }
        return out
    }

    static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "." || scalar == "-" || scalar == "_"
    }

    static func isValidDomain(_ domain: String) -> Bool {
        let labels = domain.lowercased().split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, domain.utf8.count <= 253 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        }
    }
}

/// The romanised name and the ordered addresses it may take.
public struct MailboxPlan: Sendable, Hashable {
    public let localPart: String
    public let domain: String
    public let familyRomanized: String
    public let givenRomanized: String
    let reserved: Set<String>

    /// The address of the `index`-th candidate: 0 is the plain address, then a counter from 2 is appended
    /// (`wei.zhang`, `wei.zhang2`, …). The name part is truncated so that the counter always fits in 64 characters.
    public func candidate(_ index: Int) -> String {
        let suffix = index == 0 ? "" : String(index + 1)
        let base = MailboxNamer.tidySeparators(String(localPart.prefix(MailboxNamer.maximumLocalPartLength - suffix.count)))
        return "\(base)\(suffix)@\(domain)"
    }

    /// Why a candidate may not be handed out regardless of the store, or nil.
    public func refusal(of address: String) -> String? {
        let local = address.split(separator: "@").first.map(String.init) ?? address
        return reserved.contains(local.lowercased()) ? "reserved name" : nil
    }
}

/// A decision about one candidate address, kept with the job to explain the choice.
public struct NamingTraceStep: Sendable, Hashable, Codable {
    public var candidate: String
    public var outcome: String

    public init(candidate: String, outcome: String) {
        self.candidate = candidate
        self.outcome = outcome
    }
}

/// Why no address could be formed.
public enum NamingError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidRule(String)
    case nothingUsable(String)
    case exhausted(String)

    public var description: String {
        switch self {
        case .invalidRule(let message), .nothingUsable(let message), .exhausted(let message): message
        }
    }
}
