// MailboxGate: asks the mailbox directory before a bind, turns its answer into go, wait or refuse, with a trace.

public import Foundation
public import HireBindCore
public import Logging
public import MailboxDirectory

/// Consulted by the bind worker after naming and before the Feishu call: looks the person and the computed
/// address up in the mailbox directory, decides (``MailboxVerdict``), and says what the job does next. A person
/// without a mailbox is looked at again, less often the longer they wait, until the wait window ends.
public struct MailboxGate: Sendable {
    let directory: any MailboxDirectory
    let settings: MailboxDirectorySettings
    let logger: Logger

    public init(directory: any MailboxDirectory, settings: MailboxDirectorySettings, logger: Logger) {
        self.directory = directory
        self.settings = settings
        self.logger = logger
    }

    /// What the bind job does next.
    public enum Decision: Sendable, Equatable {
        /// Bind this address (the job's own, or the adopted one).
        case proceed(address: String, adopted: Bool)
        /// Look again after `seconds`; no attempt is used.
        case recheck(JobFailure, seconds: Double)
        /// Nothing is bound: the job fails with the reason (refused, or waited for too long).
        case fail(JobFailure, refusal: MailboxVerdict.Refusal?)
        /// hirebind's own directory credentials or query are at fault.
        case waitForOperator(JobFailure)
    }

    /// The decision and what the directory answered, for the job's trace (nil in mode `off`).
    public struct Outcome: Sendable {
        public var decision: Decision
        public var trace: JSONValue?
        public var mode: MailboxDirectorySettings.Mode
    }

    /// The rule set a job's address came from, as its naming trace recorded it.
    static func ruleSet(of job: BindJob) -> String? {
        guard case .object(let trace)? = job.namingTrace, case .string(let name)? = trace["rule_set"] else { return nil }
        return name
    }

    /// What the directory says of `address` for the person `employeeID` now (`hirebind preview --check-directory`).
    public func check(employeeID: String, email: String? = nil, address: String, ruleSet: String?) async -> Outcome {
        let job = BindJob(
            id: "preview", source: "preview", eventID: "preview", employeeID: employeeID, feishuUserID: "", lookupEmail: email,
            exchangeAccount: address,
            adminAccount: "", userIDType: "open_id", callbackURL: nil, status: .queued, attempts: 0,
            namingTrace: ruleSet.map { .object(["rule_set": .string($0)]) }, receivedAt: Date())
        return await check(job)
    }

    public func check(_ job: BindJob, now: Date = Date()) async -> Outcome {
        let mode = settings.mode(forRuleSet: Self.ruleSet(of: job))
        guard mode != .off else { return Outcome(decision: .proceed(address: job.exchangeAccount, adopted: false), trace: nil, mode: mode) }
        let computed = job.exchangeAccount
        let identity: String
        switch settings.identityFrom {
        case .employeeID: identity = job.employeeID
        case .email: identity = job.lookupEmail ?? ""
        }
        var trace: [String: JSONValue] = [
            "backend": .string(directory.kind), "mode": .string(mode.rawValue), "matched_by": .string(directory.identityAttribute),
            "identity": .string(identity), "computed_address": .string(computed),
            "checked_at": .string(now.formatted(.iso8601)),
        ]
        guard !identity.isEmpty else {
            let failure = JobFailure(
                code: "mailbox_identity_missing",
                message: "the event carries no \(settings.identityFrom.rawValue) to find the person by in the directory",
                hint: "Send it with the event, or change mailbox_directory.identity_from; then retry the job.")
            trace["verdict"] = .string("refused")
            trace["reason"] = .string(failure.message)
            return Outcome(decision: .fail(failure, refusal: nil), trace: .object(trace), mode: mode)
        }
        let accounts: [MailboxRecord]
        let holders: [MailboxRecord]
        do throws(MailboxDirectoryError) {
            accounts = try await directory.accounts(identity: identity)
            holders = Self.ownAccountDecides(accounts, computed: computed, mode: mode) ? [] : try await directory.holders(of: computed)
        } catch {
            trace["error"] = .string(error.description)
            return Outcome(decision: decision(for: error), trace: .object(trace), mode: mode)
        }
        trace["accounts"] = .array(accounts.map(Self.summary))
        trace["address_holders"] = .array(holders.map(Self.summary))
        let verdict = MailboxVerdict.decide(
            mode: mode, computed: computed, identity: identity, attribute: directory.identityAttribute, accounts: accounts, holders: holders)
        let decision: Decision
        switch verdict {
        case .bind(let address, let adopted):
            trace["verdict"] = .string(adopted ? "adopted" : "confirmed")
            trace["address"] = .string(address)
            decision = .proceed(address: address, adopted: adopted)
        case .refuse(let failure, let reason):
            trace["verdict"] = .string("refused")
            trace["reason"] = .string(failure.message)
            decision = .fail(failure, refusal: reason)
        case .wait(let failure):
            let waited = now.timeIntervalSince(job.receivedAt ?? now)
            let window = settings.waitForMailboxHours * 3600
            if waited >= window {
                let failure = JobFailure(
                    code: "no_mailbox",
                    message: "no usable mailbox after waiting \(Self.duration(waited)): \(failure.message)",
                    hint: "Create the mailbox (with the identity attribute set), then retry the job."
                )
                trace["verdict"] = .string("gave_up")
                trace["reason"] = .string(failure.message)
                decision = .fail(failure, refusal: nil)
            } else {
                let seconds = min(max(waited / 4, settings.recheckMinSeconds), settings.recheckMaxSeconds, max(window - waited, 1))
                trace["verdict"] = .string("waiting")
                trace["reason"] = .string(failure.message)
                trace["look_again_in_seconds"] = .number(seconds.rounded(.up))
                decision = .recheck(failure, seconds: seconds)
            }
        }
        return Outcome(decision: decision, trace: .object(trace), mode: mode)
    }

    /// Whether the person's own accounts settle the verdict without asking who holds the computed address: it is
    /// theirs, several accounts or a disabled one refuse, or adopt takes their primary address.
    static func ownAccountDecides(_ accounts: [MailboxRecord], computed: String, mode: MailboxDirectorySettings.Mode) -> Bool {
        guard let own = accounts.first else { return false }
        return accounts.count > 1 || !own.enabled || own.holds(computed) || (mode == .adopt && own.primaryAddress != nil)
    }

    func decision(for error: MailboxDirectoryError) -> Decision {
        let hint = "Nothing is bound while the directory cannot be asked; hirebind asks again."
        switch error {
        case .throttled(let retryAfter):
            return .recheck(
                JobFailure(code: "mailbox_directory_throttled", message: error.description, hint: hint),
                seconds: retryAfter ?? settings.unavailableRetrySeconds)
        case .unavailable:
            return .recheck(
                JobFailure(code: "mailbox_directory_unavailable", message: error.description, hint: hint), seconds: settings.unavailableRetrySeconds)
        case .credentials:
            return .waitForOperator(
                JobFailure(
                    code: "mailbox_directory_credentials", message: error.description,
                    hint:
                        "Fix mailbox_directory's credentials or permissions (Graph: User.Read.All granted by an admin; LDAP: the bind DN and password)."
                ))
        case .misconfigured:
            return .waitForOperator(
                JobFailure(
                    code: "mailbox_directory_query", message: error.description,
                    hint: "Fix mailbox_directory's search base, filters or identity attribute."))
        }
    }

    static func summary(_ record: MailboxRecord) -> JSONValue {
        var object: [String: JSONValue] = ["id": .string(record.id), "enabled": .bool(record.enabled)]
        if let identity = record.identity { object["identity"] = .string(identity) }
        if let primary = record.primaryAddress { object["primary_address"] = .string(primary) }
        if !record.smtpAddresses.isEmpty { object["addresses"] = .array(record.smtpAddresses.sorted().map(JSONValue.string)) }
        return .object(object)
    }

    static func duration(_ seconds: Double) -> String {
        seconds >= 5400 ? "\(Int((seconds / 3600).rounded())) h" : seconds >= 90 ? "\(Int((seconds / 60).rounded())) min" : "\(Int(seconds)) s"
    }
}
