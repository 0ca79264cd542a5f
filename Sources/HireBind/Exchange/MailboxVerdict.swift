// MailboxVerdict: what the mailbox directory's answers mean for a bind job, decided as a pure function.

public import HireBindCore
public import MailboxDirectory

/// What a bind job does after the mailbox directory answered.
public enum MailboxVerdict: Sendable, Equatable {
    /// Bind `address`: the computed one confirmed, or (adopted) the one the directory holds for the person.
    case bind(address: String, adopted: Bool)
    /// The mailbox is not there yet (or not yet recognisably the person's): look again, within the wait window.
    case wait(JobFailure)
    /// Binding would show someone else's calendar, or an account that may not be used: nothing is bound.
    case refuse(JobFailure, reason: Refusal)

    /// Why a job is refused, as the `hirebind_mailbox_refusals_total` metric labels it.
    public enum Refusal: String, Sendable {
        /// The address is another person's mailbox.
        case someoneElse = "someone_else"
        case disabled
        /// Several accounts carry the person's identity.
        case ambiguous
        /// Verify mode: the person's mailbox is another address than the computed one.
        case differs
        /// The address the directory holds for the person is held by another hirebind job.
        case heldByAnotherJob = "held_by_another_job"
    }

    /// The verdict for a person (`identity`) whose computed address is `computed`, given the accounts carrying
    /// their identity and the accounts holding the computed address.
    public static func decide(
        mode: MailboxDirectorySettings.Mode, computed: String, identity: String, attribute: String, accounts: [MailboxRecord],
        holders: [MailboxRecord]
    ) -> MailboxVerdict {
        if mode == .off { return .bind(address: computed, adopted: false) }
        guard accounts.count <= 1 else {
            return .refuse(
                JobFailure(
                    code: "mailbox_ambiguous", message: "\(accounts.count) accounts in the directory have \(attribute) \(identity)",
                    hint: "Give the identity to one account only, then retry the job."),
                reason: .ambiguous)
        }
        let own = accounts.first
        if let own, !own.enabled {
            return .refuse(
                JobFailure(
                    code: "mailbox_disabled",
                    message: "the directory's account for \(identity) (\(own.primaryAddress ?? own.id)) is disabled",
                    hint: "Enable the account if this person should have it, then retry the job."),
                reason: .disabled)
        }
        if let own, own.holds(computed) {
            // Verify binds what it confirmed; adopt binds the mailbox's primary address, which may be another alias.
            let address = mode == .adopt ? (own.primaryAddress ?? computed) : computed
            return .bind(address: address, adopted: address.lowercased() != computed.lowercased())
        }
        if mode == .adopt, let own, let primary = own.primaryAddress {
            return .bind(address: primary, adopted: primary.lowercased() != computed.lowercased())
        }
        let others = holders.filter { holder in holder.id != own?.id }
        if others.contains(where: { holder in holder.identity.map { $0.lowercased() != identity.lowercased() } ?? false }) {
            return .refuse(
                JobFailure(
                    code: "mailbox_of_someone_else",
                    message:
                        "the directory says \(computed) is another person's mailbox: binding it would show that person's calendar to \(identity)",
                    hint:
                        "Give this person their own address (adjust the naming rules, or use mailbox_directory mode adopt once their mailbox exists), then retry the job."
                ),
                reason: .someoneElse)
        }
        if mode == .verify, let own, let primary = own.primaryAddress {
            return .refuse(
                JobFailure(
                    code: "mailbox_differs", message: "\(identity)'s mailbox is \(primary), not the computed \(computed)",
                    hint: "Use mailbox_directory mode adopt for this rule set, or change the naming rules to match Exchange's; then retry the job."),
                reason: .differs)
        }
        if !others.isEmpty {
            return .wait(
                JobFailure(
                    code: "mailbox_owner_unconfirmed",
                    message: "\(computed) exists but its account has no \(attribute): hirebind cannot tell it is \(identity)'s",
                    hint: "Set \(attribute) on the account; hirebind looks again."))
        }
        let missing =
            own == nil
            ? "the directory has no account with \(attribute) \(identity) yet"
            : "the directory's account for \(identity) has no mailbox yet"
        return .wait(
            JobFailure(
                code: "mailbox_not_yet", message: mode == .verify ? "\(computed) does not exist yet: \(missing)" : missing,
                hint: "Mailboxes are often created after the hire; hirebind looks again."))
    }
}
