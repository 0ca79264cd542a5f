// MailboxAssigner: the naming decision: the first candidate no one holds, chosen outside the store, with its trace.

import Foundation
public import HireBindCore
public import JobStore
public import MailboxNaming

/// Chooses a person's address: plans the candidates, asks the store which were ever handed out, takes the
/// first free one and records why. The store then reserves it atomically; when someone took it meanwhile,
/// the assigner goes on to the next candidate. The intake and `hirebind preview` share it.
public struct MailboxAssigner: Sendable {
    /// How many counter suffixes are tried before an address is declared exhausted.
    public static let defaultCandidateLimit = 1000

    let namer: MailboxNamer
    /// Where the rule set names no admin account.
    let defaultAdminAccount: String
    let candidateLimit: Int

    public init(namer: MailboxNamer, defaultAdminAccount: String, candidateLimit: Int = MailboxAssigner.defaultCandidateLimit) {
        self.namer = namer
        self.defaultAdminAccount = defaultAdminAccount
        self.candidateLimit = candidateLimit
    }

    /// A chosen address and everything the job keeps about the choice.
    public struct Choice: Sendable {
        public var address: String
        public var adminAccount: String
        public var plan: MailboxPlan
        public var trace: NamingTrace
    }

    /// The rules' plan for the person: fails with ``NamingError/noRuleSet(_:)`` or an unusable name.
    public func plan(for employee: Employee) throws(NamingError) -> MailboxPlan {
        try namer.plan(for: employee.personName, attributes: employee.attributes)
    }

    /// The first candidate of `plan` that the store never handed out and `alsoTaken` (lowercased addresses)
    /// does not hold, with its trace; `trace` holds the candidates tried even when none was free.
    ///
    /// The store is asked about the candidates in widening windows (the first 8, then 64, 512, up to the
    /// limit): most people take their first address, and rendering and looking up all the limit's counter
    /// values for each of them was most of an intake's work.
    /// - Throws: ``NamingError`` when every candidate up to the limit is taken, reserved or never to be reused.
    public func chooseFree(
        from plan: MailboxPlan, in store: (any IntakeLedger)?, alsoTaken: Set<String> = [], trace: inout NamingTrace
    ) async throws -> Choice {
        var taken = alsoTaken
        var asked = 0
        var window = min(Self.firstWindow, candidateLimit)
        while true {
            if let store {
                let addresses = plan.candidates.prefix(window).dropFirst(asked).compactMap(\.address)
                taken.formUnion(try await store.takenAddresses(among: Array(addresses)))
            }
            asked = window
            trace = plan.trace()
            do {
                let address = try plan.choose(limit: window, trace: &trace) { !taken.contains($0.lowercased()) }
                return Choice(address: address, adminAccount: plan.adminAccount ?? defaultAdminAccount, plan: plan, trace: trace)
            } catch NamingError.exhausted where window < candidateLimit {
                window = min(window * Self.windowGrowth, candidateLimit)
            }
        }
    }

    /// The first window of candidates looked up, and how much each next one is wider.
    static let firstWindow = 8
    static let windowGrowth = 8

    /// Chooses and reserves: `reserve` writes the job with the chosen address and says whether the address was
    /// free; a taken one (someone reserved it since the lookup) is set aside and the next candidate tried.
    public func assign(
        _ plan: MailboxPlan, store: any IntakeLedger, reserve: (Choice) async throws -> EnqueueOutcome
    ) async throws -> EnqueueOutcome {
        var takenMeanwhile: Set<String> = []
        while true {
            var trace = plan.trace()
            let choice = try await chooseFree(from: plan, in: store, alsoTaken: takenMeanwhile, trace: &trace)
            let outcome = try await reserve(choice)
            guard case .addressTaken(let address) = outcome else { return outcome }
            takenMeanwhile.insert(address.lowercased())
        }
    }
}

extension NamingTrace {
    /// The trace as the job record keeps it: the shape its `Codable` conformance gives (an absent candidate
    /// left out; MailboxAssignerTests holds the two equal), built directly: encoding it and decoding the JSON
    /// back cost an intake more than its insert.
    var recorded: JSONValue {
        .object([
            "rule_set": .string(ruleSet),
            "family_romanized": .string(familyRomanized),
            "given_romanized": .string(givenRomanized),
            "notes": .array(notes.map(JSONValue.string)),
            "steps": .array(
                steps.map { step in
                    var fields: [String: JSONValue] = ["origin": .string(step.origin), "outcome": .string(step.outcome)]
                    if let candidate = step.candidate { fields["candidate"] = .string(candidate) }
                    return .object(fields)
                }),
        ])
    }
}
