// NamingPreview: `hirebind preview`: the address the rules would hand out now, and why, without writing.

public import HireBindCore
public import JobStore
public import MailboxNaming

/// What `hirebind preview` shows for one person: the address the rules would hand out now, and why.
public struct NamingPreview: Sendable, Encodable {
    public var exchangeAccount: String?
    public var familyRomanized: String?
    public var givenRomanized: String?
    public var ruleSet: String?
    public var adminAccount: String?
    public var trace: NamingTrace?
    public var error: String?
    /// Why no address, as a word (`needs_romanization`, `no_rule_set`, `nothing_usable`, `exhausted`, `invalid_rule`).
    public var refusal: String?
    /// What the mailbox directory answered for the address (`--check-directory`).
    public var directory: JSONValue?

    enum CodingKeys: String, CodingKey {
        case exchangeAccount = "exchange_account"
        case familyRomanized = "family_romanized"
        case givenRomanized = "given_romanized"
        case ruleSet = "rule_set"
        case adminAccount = "admin_account"
        case trace, error, refusal, directory
    }
}

/// Runs the naming rules against the store without writing to it. Addresses handed out earlier in the same
/// preview (a CSV's earlier rows) count as taken, as they would in a backfill.
public struct NamingPreviewer: Sendable {
    let namer: MailboxNamer
    let store: (any IntakeLedger)?
    let defaultAdminAccount: String?
    let candidateLimit: Int

    public init(
        namer: MailboxNamer, store: (any IntakeLedger)?, defaultAdminAccount: String?, candidateLimit: Int = MailboxAssigner.defaultCandidateLimit
    ) {
        self.namer = namer
        self.store = store
        self.defaultAdminAccount = defaultAdminAccount
        self.candidateLimit = candidateLimit
    }

    public func preview(_ name: PersonName, attributes: EmployeeAttributes, alsoTaken: inout Set<String>) async throws -> NamingPreview {
        let plan: MailboxPlan
        do {
            plan = try namer.plan(for: name, attributes: attributes)
        } catch {
            var refused = NamingPreview(error: "\(error)")
            refused.refusal = Self.refusal(error)
            return refused
        }
        let assigner = MailboxAssigner(namer: namer, defaultAdminAccount: defaultAdminAccount ?? "", candidateLimit: candidateLimit)
        var trace = plan.trace()
        do {
            let choice = try await assigner.chooseFree(from: plan, in: store, alsoTaken: alsoTaken, trace: &trace)
            alsoTaken.insert(choice.address.lowercased())
            return NamingPreview(
                exchangeAccount: choice.address, familyRomanized: plan.familyRomanized, givenRomanized: plan.givenRomanized,
                ruleSet: plan.ruleSet, adminAccount: plan.adminAccount ?? defaultAdminAccount, trace: choice.trace
            )
        } catch {
            var refused = NamingPreview(
                familyRomanized: plan.familyRomanized, givenRomanized: plan.givenRomanized, ruleSet: plan.ruleSet, trace: trace, error: "\(error)"
            )
            refused.refusal = (error as? NamingError).map(Self.refusal) ?? "store"
            return refused
        }
    }

    static func refusal(_ error: NamingError) -> String {
        switch error {
        case .invalidRule: "invalid_rule"
        case .nothingUsable: "nothing_usable"
        case .needsRomanization: "needs_romanization"
        case .noRuleSet: "no_rule_set"
        case .exhausted: "exhausted"
        }
    }
}
