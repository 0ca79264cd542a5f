// NamingSettings: the `naming:` section, one rule set in short or several, and the address lists.

public import MailboxNaming

/// How mailbox addresses are formed: either one rule set in short (`domain`, `templates`) or `rule_sets`.
public struct NamingSettings: Sendable, Codable {
    public var domain: String?
    public var templates: [String]?
    public var ruleSets: [NamingRuleSet]?
    public var reserved: [String]
    /// A file of former employees' addresses, one per line (`#` starts a comment): never handed out again.
    public var neverReuseFile: String?
    /// Separators allowed in a local part besides a-z and 0-9.
    public var separators: String

    public init(
        domain: String? = nil, templates: [String]? = nil, ruleSets: [NamingRuleSet]? = nil,
        reserved: [String] = NamingPolicy.defaultReserved, neverReuseFile: String? = nil, separators: String = ".-_"
    ) {
        self.domain = domain
        self.templates = templates
        self.ruleSets = ruleSets
        self.reserved = reserved
        self.neverReuseFile = neverReuseFile
        self.separators = separators
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        domain = try c.decodeIfPresent(String.self, forKey: .domain)
        let template = try c.decodeIfPresent(String.self, forKey: .template)
        templates = try c.decodeIfPresent([String].self, forKey: .templates) ?? template.map { [$0] }
        ruleSets = try c.decodeIfPresent([NamingRuleSet].self, forKey: .ruleSets)
        reserved = try c.value(.reserved, default: defaults.reserved)
        neverReuseFile = try c.decodeIfPresent(String.self, forKey: .neverReuseFile)
        separators = try c.value(.separators, default: defaults.separators)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(domain, forKey: .domain)
        try c.encodeIfPresent(templates, forKey: .templates)
        try c.encodeIfPresent(ruleSets, forKey: .ruleSets)
        try c.encode(reserved, forKey: .reserved)
        try c.encodeIfPresent(neverReuseFile, forKey: .neverReuseFile)
        try c.encode(separators, forKey: .separators)
    }

    enum CodingKeys: String, CodingKey {
        case domain, template, templates, reserved, separators
        case ruleSets = "rule_sets"
        case neverReuseFile = "never_reuse_file"
    }
}
