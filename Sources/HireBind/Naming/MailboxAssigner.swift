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

    /// The first candidate of `plan` not in `taken` (lowercased addresses), with its trace; `trace` holds the
    /// candidates tried even when none was free.
    /// - Throws: ``NamingError`` when every candidate up to the limit is taken, reserved or never to be reused.
    public func choose(from plan: MailboxPlan, taken: Set<String>, trace: inout NamingTrace) throws -> Choice {
        trace = plan.trace()
        let address = try plan.choose(limit: candidateLimit, trace: &trace) { !taken.contains($0.lowercased()) }
        return Choice(address: address, adminAccount: plan.adminAccount ?? defaultAdminAccount, plan: plan, trace: trace)
    }

    /// The addresses of the plan's candidates that the store ever handed out.
    public func taken(by plan: MailboxPlan, in store: any IntakeLedger) async throws -> Set<String> {
        try await store.takenAddresses(among: plan.candidates.prefix(candidateLimit).compactMap(\.address))
    }

    /// Chooses and reserves: `reserve` writes the job with the chosen address and says whether the address was
    /// free; a taken one is added to `taken` and the next candidate tried.
    public func assign(
        _ plan: MailboxPlan, store: any IntakeLedger, reserve: (Choice) async throws -> EnqueueOutcome
    ) async throws -> EnqueueOutcome {
        var taken = try await taken(by: plan, in: store)
        while true {
            var trace = plan.trace()
            let choice = try choose(from: plan, taken: taken, trace: &trace)
            let outcome = try await reserve(choice)
            guard case .addressTaken(let address) = outcome else { return outcome }
            taken.insert(address.lowercased())
        }
    }
}

extension NamingTrace {
    /// The trace as the job record keeps it.
    var recorded: JSONValue? {
        guard let data = try? JSONEncoder().encode(self) else { return nil }
        return try? JSONDecoder().decode(JSONValue.self, from: data)
    }
}
