// PreviewSummary: what a preview of a whole staff list came to: first choices, counters, refusals and why.

import MailboxNaming

/// The figures an admin compares rule sets by, over a preview of a whole population (`hirebind preview --csv`):
/// how many people got their first candidate, how many needed a counter and the longest chain of taken
/// candidates before one was free, and the names refused, grouped by why.
public struct PreviewSummary: Sendable, Encodable, Equatable {
    public var people = 0
    public var addressed = 0
    /// Got the first candidate their rule set renders.
    public var firstChoice = 0
    /// Got an address with a counter (`wei.zhang2`).
    public var neededCounter = 0
    /// Got a later template's address, without a counter.
    public var laterTemplate = 0
    /// The most candidates one person went through before a free one (taken, reserved or refused ones), and who.
    public var longestChain = 0
    public var longestChainAddress: String?
    /// Refused people by reason (`needs_romanization`, `no_rule_set`, `nothing_usable`, `exhausted`), each with
    /// up to five of the names.
    public var refused: [String: Refusals] = [:]

    public struct Refusals: Sendable, Encodable, Equatable {
        public var count = 0
        public var examples: [String] = []

        public init(count: Int = 0, examples: [String] = []) {
            self.count = count
            self.examples = examples
        }
    }

    enum CodingKeys: String, CodingKey {
        case people, addressed, refused
        case firstChoice = "first_choice"
        case neededCounter = "needed_counter"
        case laterTemplate = "later_template"
        case longestChain = "longest_chain"
        case longestChainAddress = "longest_chain_address"
    }

    public init() {}

    /// Adds one person's preview; `shown` is how the person is named in the examples.
    public mutating func add(_ preview: NamingPreview, shown: String) {
        people += 1
        guard let address = preview.exchangeAccount else {
            let reason = preview.refusal ?? "refused"
            refused[reason, default: Refusals()].count += 1
            if refused[reason]!.examples.count < 5 { refused[reason]!.examples.append(shown) }
            return
        }
        addressed += 1
        let steps = preview.trace?.steps ?? []
        let chosen = steps.firstIndex { $0.outcome == NamingTrace.Step.chosen } ?? 0
        if chosen == 0 {
            firstChoice += 1
        } else if steps[chosen].origin.contains(" n=") {
            neededCounter += 1
        } else {
            laterTemplate += 1
        }
        if chosen > longestChain {
            longestChain = chosen
            longestChainAddress = address
        }
    }

    /// The summary as an admin reads it.
    public var text: String {
        var lines = [
            "\(addressed) of \(people) people get an address; \(people - addressed) refused",
            "  first candidate:   \(firstChoice)",
            "  needed a counter:  \(neededCounter)",
            "  a later template:  \(laterTemplate)",
        ]
        if let longestChainAddress {
            lines.append("  longest chain:     \(longestChain) candidates taken before \(longestChainAddress)")
        }
        for (reason, refusals) in refused.sorted(by: { $0.value.count > $1.value.count }) {
            lines.append("  refused (\(reason)): \(refusals.count), e.g. \(refusals.examples.joined(separator: "; "))")
        }
        return lines.joined(separator: "\n")
    }
}
