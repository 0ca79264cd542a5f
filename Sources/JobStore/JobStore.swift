import Foundation
import HireBindCore
import MailboxNaming

/// An accepted webhook, ready to become a job.
public struct Intake: Sendable {
    public var source: String
    public var event: NewHireEvent
    public var adminAccount: String
    public var userIDType: String
    /// The event's callback URL, or the configured default; nil sends no callback.
    public var callbackURL: String?
    public var receivedAt: Date

    public init(source: String, event: NewHireEvent, adminAccount: String, userIDType: String, callbackURL: String?, receivedAt: Date) {
        self.source = source
        self.event = event
        self.adminAccount = adminAccount
        self.userIDType = userIDType
        self.callbackURL = callbackURL
        self.receivedAt = receivedAt
    }
}

/// What enqueueing an intake did.
public enum EnqueueOutcome: Sendable, Hashable {
    /// A new job; the intake, the address reservation and the job were written in one transaction.
    case created(JobReceipt)
    /// The event was seen before: the first job's receipt, nothing written.
    case duplicate(JobReceipt)

    public var receipt: JobReceipt {
        switch self {
        case .created(let receipt), .duplicate(let receipt): receipt
        }
    }
}

/// A job a worker holds until `expiresAt`; only the holder of `token` may settle it.
public struct JobLease: Sendable, Hashable {
    public var job: BindJob
    public var token: String
    public var expiresAt: Date

    public init(job: BindJob, token: String, expiresAt: Date) {
        self.job = job
        self.token = token
        self.expiresAt = expiresAt
    }
}

/// One call to Feishu made for a job, kept as its history.
public struct JobAttempt: Sendable, Hashable, Codable {
    public enum Outcome: String, Sendable, Codable {
        case succeeded, retry, failed
    }

    public var number: Int
    public var startedAt: Date
    public var finishedAt: Date
    public var outcome: Outcome
    public var failure: JobFailure?
    /// Feishu's `X-Tt-Logid`, for support requests.
    public var logID: String?

    public init(number: Int, startedAt: Date, finishedAt: Date, outcome: Outcome, failure: JobFailure? = nil, logID: String? = nil) {
        self.number = number
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcome = outcome
        self.failure = failure
        self.logID = logID
    }
}

/// How a job ended.
public enum JobOutcome: Sendable, Hashable {
    /// Bound; with `followSync`, the binding's calendar sync is looked at from then on until it ends.
    case bound(bindingID: String, syncStatus: String?, followSync: SyncFollow?)
    /// The binding was removed, or there was none to remove.
    case unbound
    case failed(JobFailure)
    case dead(JobFailure)
}

/// When to look at a new binding's sync first, and when to give up.
public struct SyncFollow: Sendable, Hashable {
    public var firstCheckAt: Date
    public var deadline: Date

    public init(firstCheckAt: Date, deadline: Date) {
        self.firstCheckAt = firstCheckAt
        self.deadline = deadline
    }
}

/// A bound job whose sync a watcher holds until `expiresAt`.
public struct SyncCheck: Sendable, Hashable {
    public var job: BindJob
    /// Looks made so far, not counting this one.
    public var checks: Int
    public var deadline: Date
    public var token: String

    public init(job: BindJob, checks: Int, deadline: Date, token: String) {
        self.job = job
        self.checks = checks
        self.deadline = deadline
        self.token = token
    }
}

/// An offboarding event whose employee has no bind job here.
public struct UnknownEmployeeError: Error, Sendable, CustomStringConvertible {
    public var employeeID: String
    public var description: String { "no bind job is known for employee \(employeeID) from this source" }
}

/// A result waiting in the outbox to be posted to the HR system.
public struct CallbackDelivery: Sendable, Hashable {
    public var id: Int64
    public var jobID: String
    /// Stable across retries, so the receiver can drop repeats (`webhook-id`).
    public var messageID: String
    public var url: String
    public var body: [UInt8]
    /// Delivery attempts started so far, this one included.
    public var attempts: Int
    /// When the result entered the outbox; deliveries give up after the configured age.
    public var createdAt: Date
    public var token: String

    public init(id: Int64, jobID: String, messageID: String, url: String, body: [UInt8], attempts: Int, createdAt: Date, token: String) {
        self.id = id
        self.jobID = jobID
        self.messageID = messageID
        self.url = url
        self.body = body
        self.attempts = attempts
        self.createdAt = createdAt
        self.token = token
    }
}

/// A callback as the admin API lists it.
public struct CallbackRecord: Sendable, Hashable, Codable {
    public var id: Int64
    public var jobID: String
    public var url: String
    public var status: CallbackStatus
    public var attempts: Int
    public var lastError: String?

    public init(id: Int64, jobID: String, url: String, status: CallbackStatus, attempts: Int, lastError: String?) {
        self.id = id
        self.jobID = jobID
        self.url = url
        self.status = status
        self.attempts = attempts
        self.lastError = lastError
    }

    enum CodingKeys: String, CodingKey {
        case id, url, status, attempts
        case jobID = "job_id"
        case lastError = "last_error"
    }
}

/// What asking to retry a job or a callback did.
public enum RequeueOutcome: Sendable, Hashable {
    case requeued
    case notFound
    /// Only dead (and, for jobs, failed) work can be retried; this is its current status.
    case notRetryable(String)
}

/// The kinds of work the store queues.
public enum WorkQueue: Sendable {
    case jobs, callbacks, syncChecks
}

/// Where a callback stands.
public enum CallbackStatus: String, Sendable, Codable {
    case pending, delivering, delivered, dead
}

/// A lease that is no longer held: it expired and another worker took the job over.
public struct LeaseLostError: Error, Sendable, CustomStringConvertible {
    public var description: String { "the lease was lost: another worker holds the job now" }
    public init() {}
}

/// The durable queue: intake records, mailbox reservations, jobs, their attempts and the callback outbox.
public protocol JobStore: Sendable {
    /// Writes the intake record, the first free mailbox address of `plan` and the job in one transaction,
    /// or returns the first job's receipt when the event was seen before. The job keeps the naming trace and
    /// the plan's admin account (or the intake's when the rule set names none).
    func enqueue(_ intake: Intake, plan: MailboxPlan) async throws -> EnqueueOutcome

    /// Which of `addresses` were ever handed out, lowercased (addresses are never released).
    func takenAddresses(among addresses: [String]) async throws -> Set<String>

    /// The receipt of the job an earlier delivery of this event created, if any.
    func receipt(source: String, eventID: String) async throws -> JobReceipt?

    /// Forgets intake records received before `date`, so that a repeat of such an old event makes a new job.
    /// Jobs, their addresses and histories stay. Returns how many records were removed.
    func purgeIntakes(receivedBefore date: Date) async throws -> Int

    /// Writes the intake record and an unbind job for the employee's latest bind job, in one transaction;
    /// a repeated event returns the first receipt. Throws ``UnknownEmployeeError`` when there is no bind job.
    func enqueueUnbind(_ intake: Intake) async throws -> EnqueueOutcome

    /// Keeps the Feishu user id the worker looked up, so that later attempts do not look it up again.
    func resolveUserID(_ lease: JobLease, userID: String) async throws

    /// Leases the job that is due first (queued and due, or running with an expired lease).
    func leaseJob(for seconds: Double, now: Date) async throws -> JobLease?

    /// Extends a lease the worker still holds, while its call runs.
    func renewLease(_ lease: JobLease, for seconds: Double, now: Date) async throws

    /// Queues a dead or failed job again with a fresh attempt budget; its history stays.
    func requeueJob(id: String, now: Date) async throws -> RequeueOutcome

    /// Schedules another attempt at `retryAt`, recording `attempt`. A rate-limited attempt is recorded
    /// but does not count against the job's attempt limit (`countsAsAttempt: false`). `outcomeUnknown` marks the
    /// job for good as one whose call may have taken effect unseen (a timeout, a dropped connection).
    func retryJob(_ lease: JobLease, attempt: JobAttempt, retryAt: Date, countsAsAttempt: Bool, outcomeUnknown: Bool) async throws

    /// Settles the job, records `attempt` and, when `callback` is given, puts it in the outbox, in one transaction.
    func finishJob(_ lease: JobLease, outcome: JobOutcome, attempt: JobAttempt, callback: BindResult?, now: Date) async throws

    func job(id: String) async throws -> BindJob?
    func jobs(status: JobStatus?, limit: Int) async throws -> [BindJob]
    func attempts(jobID: String) async throws -> [JobAttempt]

    /// Leases the callback that is due first.
    func leaseCallback(for seconds: Double, now: Date) async throws -> CallbackDelivery?
    func callbackDelivered(_ delivery: CallbackDelivery, now: Date) async throws
    /// Records a failed delivery: retried at `retryAt`, or dead when `retryAt` is nil.
    func callbackFailed(_ delivery: CallbackDelivery, error: String, retryAt: Date?) async throws
    func callbacks(status: CallbackStatus?, limit: Int) async throws -> [CallbackRecord]
    /// Queues a dead callback again.
    func requeueCallback(id: Int64, now: Date) async throws -> RequeueOutcome
    func callbackStatus(jobID: String) async throws -> CallbackStatus?

    /// Leases the bound job whose sync is due to be looked at first.
    func leaseSyncCheck(for seconds: Double, now: Date) async throws -> SyncCheck?
    /// The sync goes on: record what was seen and look again at `nextCheckAt`.
    func syncContinues(_ check: SyncCheck, status: String?, nextCheckAt: Date) async throws
    /// The sync ended (or was given up on): record the status and queue the final result, in one transaction.
    func syncEnded(_ check: SyncCheck, status: String?, callback: BindResult?, now: Date) async throws

    /// The tenant super admin's token pair, if `hirebind feishu login` stored one.
    func userToken() async throws -> StoredUserToken?
    /// Stores a pair from a new login, replacing whatever was there (a dead pair included).
    func saveUserToken(_ pair: UserTokenPair, now: Date) async throws -> StoredUserToken
    /// Claims the right to refresh for `seconds` (one refresher at a time, across processes); returns the
    /// pair to refresh, or nil when another holder has the claim.
    func claimTokenRefresh(holder: String, for seconds: Double, now: Date) async throws -> StoredUserToken?
    /// Commits the rotated pair over `generation` and releases the claim; false when the claim was lost or
    /// another pair was stored meanwhile.
    func commitTokenRefresh(holder: String, generation: Int, pair: UserTokenPair, now: Date) async throws -> Bool
    /// Releases the claim without a new pair; `deadReason` marks the refresh token unusable.
    func releaseTokenRefresh(holder: String, deadReason: String?) async throws

    /// The earliest time a queued job (or a job lease) of `queue` falls due, for sleeping until then.
    func nextDueDate(_ queue: WorkQueue) async throws -> Date?
}
