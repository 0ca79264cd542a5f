// NamingRules: the naming section turned into the engine's policy and namer, the never-reuse file read.

import Foundation
public import MailboxNaming

/// Builds the naming engine from the `naming:` section.
public enum NamingRules {
    /// The policy the section describes, with the never-reuse list given (not read here).
    public static func policy(_ settings: NamingSettings, neverReuse: Set<String> = []) throws(ConfigurationError) -> NamingPolicy {
        let ruleSets: [NamingRuleSet]
        switch (settings.ruleSets, settings.domain) {
        case (let sets?, nil):
            ruleSets = sets
        case (nil, let domain?):
            ruleSets = [NamingRuleSet(domain: domain, templates: settings.templates ?? ["{given}.{family}"])]
        case (.some, .some):
            throw ConfigurationError(key: "naming", "give either naming.domain (one rule set) or naming.rule_sets, not both")
        case (nil, nil):
            throw ConfigurationError(key: "naming", "naming.domain or naming.rule_sets is required")
        }
        return NamingPolicy(ruleSets: ruleSets, reserved: settings.reserved, neverReuse: neverReuse, separators: settings.separators)
    }

    /// The namer for the section's rules, with the never-reuse list read from its file.
    public static func namer(_ settings: NamingSettings) throws(ConfigurationError) -> MailboxNamer {
        let policy = try policy(settings, neverReuse: try neverReuseList(settings.neverReuseFile))
        do {
            return try MailboxNamer(policy: policy)
        } catch {
            throw ConfigurationError(key: "naming", "\(error)")
        }
    }

    /// Reads a never-reuse file: one address per line, `#` starts a comment. Empty when no file is configured.
    public static func neverReuseList(_ path: String?) throws(ConfigurationError) -> Set<String> {
        guard let path else { return [] }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(key: "naming.never_reuse_file", "cannot read \(path)")
        }
        var addresses: Set<String> = []
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let entry = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let address = entry.trimmingCharacters(in: .whitespaces).lowercased()
            if !address.isEmpty { addresses.insert(address) }
        }
        return addresses
    }
}
