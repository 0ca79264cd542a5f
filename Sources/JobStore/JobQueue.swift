// JobQueue: the store's contract for bind and unbind jobs: lease, renew, retry, settle, requeue.

public import Foundation
public import HireBindCore

/// The queue of bind and unbind jobs. A job is held by one worker at a time, through a lease; every settling
/// call checks the lease and throws ``LeaseLostError`` when another worker took the job over.
public protocol JobQueue: Sendable {
    /// Leases the job that is due first: queued and due, or running with an expired lease (whose worker died:
    /// the job is then marked `outcomeUnknown` for good). Counts the attempt.
    /// - Parameters:
    ///   - seconds: how long the lease lasts unless renewed.
    ///   - now: the time due dates are compared with.
    func leaseJob(for seconds: Double, now: Date) async throws -> JobLease?

    /// Extends a lease the worker still holds, while its call runs.
    func renewLease(_ lease: JobLease, for seconds: Double, now: Date) async throws

    /// Keeps the Feishu user id the worker looked up, so that later attempts do not look it up again.
    func resolveUserID(_ lease: JobLease, userID: String) async throws

    /// Keeps what the mailbox directory answered (`namingTrace`) and makes `address` the job's address: the same
    /// one it had, or the one the directory holds for the person (adopted), claimed in the address ledger in the
    /// same transaction unless another person's job holds it.
    func recordMailboxCheck(_ lease: JobLease, address: String, namingTrace: JSONValue?) async throws -> MailboxClaim

    /// Schedules another attempt at `retryAt`, recording `attempt`. A rate-limited attempt is recorded but does
    /// not count against the job's attempt limit (`countsAsAttempt: false`). `outcomeUnknown` marks the job for
    /// good as one whose call may have taken effect unseen (a timeout, a dropped connection).
    func retryJob(_ lease: JobLease, attempt: JobAttempt, retryAt: Date, countsAsAttempt: Bool, outcomeUnknown: Bool) async throws

    /// Settles the job, records `attempt` and, when given, puts `callback` in the outbox, in one transaction.
    /// An unbind job's outcome also stops the sync follow-up of the binding it removed.
    func finishJob(_ lease: JobLease, outcome: JobOutcome, attempt: JobAttempt, callback: OutboundCallback?, now: Date) async throws

    /// Queues a dead or failed job again with a fresh attempt budget; its history stays.
    func requeueJob(id: String, now: Date) async throws -> RequeueOutcome

    /// The earliest time a queued job or a job lease falls due, for sleeping until then.
    func nextJobDue() async throws -> Date?
}
