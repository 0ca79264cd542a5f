// MailboxNamer: the naming engine's entry: a name and attributes to a plan of candidates.

import Foundation

/// Maps an employee's name to mailbox address candidates, by the first rule set that matches the employee.
///
/// The namer is pure: uniqueness against the addresses already handed out is decided by the store,
/// which tries a plan's candidates in order inside the transaction that writes the job.
public struct MailboxNamer: Sendable {
    /// Exchange and Entra ID limit the local part of a UPN to 64 characters.
    public static let maximumLocalPartLength = 64

    struct CompiledRuleSet: Sendable {
        var rule: NamingRuleSet
        var plainTemplates: [CandidateTemplate]
        var counterTemplate: CandidateTemplate
    }

    public let policy: NamingPolicy
    let ruleSets: [CompiledRuleSet]
    let separators: Set<Character>
    let reserved: Set<String>
    let neverReuse: Set<String>

    public init(policy: NamingPolicy) throws(NamingError) {
        let separators = Set(policy.separators)
        guard separators.isSubset(of: [".", "-", "_"]) else {
            throw .invalidRule("separators may only be '.', '-' and '_' (what Exchange and Entra ID accept)")
        }
        guard !policy.ruleSets.isEmpty else { throw .invalidRule("at least one rule set is required") }
        var compiled: [CompiledRuleSet] = []
        var names: Set<String> = []
        for rule in policy.ruleSets {
            guard names.insert(rule.name).inserted else { throw .invalidRule("two rule sets are named '\(rule.name)'") }
            guard Self.isValidDomain(rule.domain) else { throw .invalidRule("rule set '\(rule.name)': '\(rule.domain)' is not a mail domain") }
            guard !rule.templates.isEmpty else { throw .invalidRule("rule set '\(rule.name)' has no template") }
            guard rule.counter.start >= 0, (0...9).contains(rule.counter.padding) else {
                throw .invalidRule("rule set '\(rule.name)': the counter starts at 0 or more and pads to at most 9 digits")
            }
            var templates: [CandidateTemplate] = []
            for text in rule.templates {
                do {
                    templates.append(try CandidateTemplate(text, separators: separators))
                } catch {
                    throw .invalidRule("rule set '\(rule.name)': \(error)")
                }
            }
            if let misplaced = templates.dropLast().first(where: \.hasCounter) {
                throw .invalidRule("rule set '\(rule.name)': {n} may only appear in the last template, not in '\(misplaced.text)'")
            }
            let last = templates[templates.count - 1]
            compiled.append(
                CompiledRuleSet(
                    rule: rule,
                    plainTemplates: last.hasCounter ? Array(templates.dropLast()) : templates,
                    counterTemplate: last.withCounterAppended()
                ))
        }
        self.policy = policy
        self.ruleSets = compiled
        self.separators = separators
        self.reserved = Set(policy.reserved.map { $0.lowercased() })
        self.neverReuse = Set(policy.neverReuse.map { $0.lowercased() })
    }

    /// A namer with one rule set, `{given}.{family}` at `domain` unless told otherwise.
    public init(domain: String, templates: [String] = ["{given}.{family}"]) throws(NamingError) {
        try self.init(policy: NamingPolicy(ruleSets: [NamingRuleSet(domain: domain, templates: templates)]))
    }

    /// Chooses the rule set, romanises the name and prepares the candidates.
    public func plan(for name: PersonName, attributes: EmployeeAttributes = .init()) throws(NamingError) -> MailboxPlan {
        guard let compiled = ruleSets.first(where: { $0.rule.when?.matches(attributes) ?? true }) else {
            throw .noRuleSet("no naming rule set matches this employee (company, department, location, employment_type)")
        }
        let rule = compiled.rule
        var notes: [String] = []
        let parts = try NameParts(name, rule: rule, notes: &notes)
        // Given and family are always there (one may be empty: a mononym); the optional parts only when known,
        // so that a template needing a missing one is passed over.
        var values: [String: String] = [
            "given": parts.given,
            "family": parts.family,
            "given_initial": String(parts.given.prefix(1)),
            "family_initial": String(parts.family.prefix(1)),
        ]
        if !parts.middle.isEmpty {
            values["middle"] = parts.middle
            values["middle_initial"] = String(parts.middle.prefix(1))
        }
        if !parts.preferredGiven.isEmpty {
            values["preferred_given"] = parts.preferredGiven
        }
        var requested: String?
        if rule.preferHRAddress, let address = name.requestedAddress?.trimmingCharacters(in: .whitespaces).lowercased(), !address.isEmpty {
            requested = address
        }
        return MailboxPlan(
            ruleSet: rule.name, domain: rule.domain.lowercased(), adminAccount: rule.adminAccount,
            familyRomanized: parts.family, givenRomanized: parts.given, notes: notes,
            requestedAddress: requested, values: values, plainTemplates: compiled.plainTemplates,
            counterTemplate: compiled.counterTemplate, counter: rule.counter, namer: self
        )
    }

    /// Why `address` may never be handed out, whatever the store holds; nil when it may.
    func refusal(of address: String) -> String? {
        let lowered = address.lowercased()
        if neverReuse.contains(lowered) { return "on the never-reuse list" }
        let local = lowered.split(separator: "@").first.map(String.init) ?? lowered
        if reserved.contains(local) { return "reserved name" }
        return nil
    }

    /// Keeps a-z, 0-9 and the allowed separators; collapses runs of separators to their first and strips
    /// them at both ends.
    func tidy(_ text: String) -> String {
        var out = ""
        for character in text.lowercased() {
            if ("a"..."z").contains(character) || ("0"..."9").contains(character) {
                out.append(character)
            } else if separators.contains(character) || (character == "-" && !separators.isEmpty) {
                // A hyphen inside a name part becomes the first allowed separator when '-' is not allowed.
                let separator = separators.contains(character) ? character : (separators.contains(".") ? "." : separators.first!)
                if let last = out.last, !"._-".contains(last) { out.append(separator) }
            }
        }
        while let last = out.last, "._-".contains(last) { out.removeLast() }
        return out
    }

    /// Whether `local` is a local part hirebind could have produced under this policy.
    func isWellFormed(local: String) -> Bool {
        !local.isEmpty && local.count <= Self.maximumLocalPartLength && tidy(local) == local
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

/// Why no address could be formed. Each message says what to send or change.
public enum NamingError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidRule(String)
    case nothingUsable(String)
    case needsRomanization(field: String)
    case noRuleSet(String)
    case exhausted(String)

    public var description: String {
        switch self {
        case .invalidRule(let message), .nothingUsable(let message), .noRuleSet(let message), .exhausted(let message):
            message
        case .needsRomanization(let field):
            "\(field) is written in kanji, whose reading cannot be derived: send employee.romanized_family_name and employee.romanized_given_name"
        }
    }
}
