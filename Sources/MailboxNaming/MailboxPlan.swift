// MailboxPlan: the candidates for one person, the choice among them, and its trace.

import Foundation

/// One address a plan proposes, or a template it had to pass over.
public struct NamingCandidate: Sendable, Hashable {
    /// The address, or nil when the template could not be rendered for this person.
    public var address: String?
    /// Where it came from: a template, `hr_address` or a counter value.
    public var origin: String
    /// Why the plan itself passed over it (a missing name part, a repeat, a reserved name, …).
    public var refusal: String?
}

/// The romanised name, the chosen rule set, and the ordered addresses the person may take.
public struct MailboxPlan: Sendable {
    public let ruleSet: String
    public let domain: String
    /// The rule set's Exchange admin account; nil uses the service's default.
    public let adminAccount: String?
    public let familyRomanized: String
    public let givenRomanized: String
    public let notes: [String]
    let requestedAddress: String?
    let values: [String: String]
    let plainTemplates: [CandidateTemplate]
    let counterTemplate: CandidateTemplate
    let counter: CounterStyle
    let namer: MailboxNamer

    /// The candidates in order: the HR address (when the rule prefers it), each plain template once, then
    /// the counter template with `{n}` = start, start+1, … (endless: the caller stops).
    public var candidates: some Sequence<NamingCandidate> {
        CandidateSequence(plan: self)
    }

    /// A trace that starts with this plan's choices; the store appends each candidate's fate.
    public func trace() -> NamingTrace {
        NamingTrace(ruleSet: ruleSet, familyRomanized: familyRomanized, givenRomanized: givenRomanized, notes: notes, steps: [])
    }

    func render(_ template: CandidateTemplate, counter value: Int?) -> NamingCandidate {
        let counterText = value.map(counter.render)
        let origin = value.map { "\(template.text) n=\($0)" } ?? template.text
        switch template.render(values, counter: counterText, limit: MailboxNamer.maximumLocalPartLength, tidy: namer.tidy) {
        case .failure(let missing):
            return NamingCandidate(
                address: nil, origin: origin, refusal: "no \(missing.placeholder.replacingOccurrences(of: "_", with: " ")) for this person")
        case .success(let local) where local.isEmpty:
            return NamingCandidate(address: nil, origin: origin, refusal: "renders an empty local part")
        case .success(let local):
            let address = "\(local)@\(domain)"
            return NamingCandidate(address: address, origin: origin, refusal: namer.refusal(of: address))
        }
    }

    func requestedCandidate() -> NamingCandidate? {
        guard let requested = requestedAddress else { return nil }
        let pieces = requested.split(separator: "@", omittingEmptySubsequences: false)
        guard pieces.count == 2 else {
            return NamingCandidate(address: nil, origin: "hr_address", refusal: "the HR address is not an email address")
        }
        guard String(pieces[1]) == domain else {
            return NamingCandidate(address: nil, origin: "hr_address", refusal: "the HR address is not in \(domain)")
        }
        guard namer.isWellFormed(local: String(pieces[0])) else {
            return NamingCandidate(address: nil, origin: "hr_address", refusal: "the HR address has characters or a length Exchange does not accept")
        }
        return NamingCandidate(address: requested, origin: "hr_address", refusal: namer.refusal(of: requested))
    }
}

struct CandidateSequence: Sequence, IteratorProtocol {
    let plan: MailboxPlan
    var stage = 0
    var templateIndex = 0
    var counterValue: Int?
    var seen: Set<String> = []

    init(plan: MailboxPlan) {
        self.plan = plan
    }

    mutating func next() -> NamingCandidate? {
        while true {
            var candidate: NamingCandidate?
            switch stage {
            case 0:
                stage = 1
                candidate = plan.requestedCandidate()
            case 1 where templateIndex < plan.plainTemplates.count:
                candidate = plan.render(plan.plainTemplates[templateIndex], counter: nil)
                templateIndex += 1
            case 2:
                let value = counterValue ?? plan.counter.start
                guard value < Int.max else { return nil }
                counterValue = value + 1
                candidate = plan.render(plan.counterTemplate, counter: value)
                // A counter template this person cannot fill never will: say so once and end.
                if candidate?.address == nil { stage = 3 }
            default:
                if stage == 1 {
                    stage = 2
                    continue
                }
                return nil
            }
            guard var candidate else { continue }
            if let address = candidate.address, candidate.refusal == nil, !seen.insert(address).inserted {
                candidate.refusal = "same as an earlier candidate"
            }
            return candidate
        }
    }
}

/// How an address was chosen: the rule set, the romanised name and each candidate's fate.
/// Kept with the job and returned by the admin API.
public struct NamingTrace: Sendable, Hashable, Codable {
    public struct Step: Sendable, Hashable, Codable {
        public var candidate: String?
        public var origin: String
        public var outcome: String

        public init(candidate: String?, origin: String, outcome: String) {
            self.candidate = candidate
            self.origin = origin
            self.outcome = outcome
        }
    }

    public var ruleSet: String
    public var familyRomanized: String
    public var givenRomanized: String
    public var notes: [String]
    public var steps: [Step]

    public init(ruleSet: String, familyRomanized: String, givenRomanized: String, notes: [String], steps: [Step]) {
        self.ruleSet = ruleSet
        self.familyRomanized = familyRomanized
        self.givenRomanized = givenRomanized
        self.notes = notes
        self.steps = steps
    }

    enum CodingKeys: String, CodingKey {
        case ruleSet = "rule_set"
        case familyRomanized = "family_romanized"
        case givenRomanized = "given_romanized"
        case notes, steps
    }
}

extension NamingTrace.Step {
    public static let chosen = "chosen"
    public static let taken = "already handed out"
}

extension MailboxPlan {
    /// Walks the candidates until `isTaken` says one is free (at most `limit` candidates), recording each fate.
    /// The store calls this inside its transaction with a check that reserves the address as it answers.
    public func choose(limit: Int, trace: inout NamingTrace, reserveIfFree: (String) throws -> Bool) throws -> String {
        for candidate in candidates.prefix(limit) {
            if let refusal = candidate.refusal {
                trace.steps.append(.init(candidate: candidate.address, origin: candidate.origin, outcome: refusal))
                continue
            }
            guard let address = candidate.address else { continue }
            if try reserveIfFree(address) {
                trace.steps.append(.init(candidate: address, origin: candidate.origin, outcome: NamingTrace.Step.chosen))
                return address
            }
            trace.steps.append(.init(candidate: address, origin: candidate.origin, outcome: NamingTrace.Step.taken))
        }
        throw NamingError.exhausted("no free address among the first \(limit) candidates for \(givenRomanized) \(familyRomanized)")
    }
}
