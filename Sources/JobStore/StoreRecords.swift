// StoreRecords: the values the store protocols take and give: new jobs, leases, attempts, outcomes, outbox rows.

public import Foundation
public import HireBindCore

/// A bind job to write, with the address the naming rules chose; the store only checks that no one has it.
public struct NewBindJob: Sendable, Hashable {
    public var source: String
    public var eventID: String
    public var employeeID: String
    /// Nil until known: the worker then looks it up by `lookupEmail` / `lookupMobile`.
    public var feishuUserID: String?
    public var lookupEmail: String?
    public var lookupMobile: String?
    public var exchangeAccount: String
    public var adminAccount: String
    public var userIDType: String
    /// Nil sends no callback.
    public var callbackURL: String?
    /// Why the address was chosen, as JSON the admin API shows.
    public var namingTrace: JSONValue?
    /// The person's name as the event gave it, for the console's search and pages.
    public var personName: String?
    public var receivedAt: Date
    /// One binding per person: when the source's employee already has a bind job not undone by an unbind, that
    /// job's receipt is returned and nothing is written (directory events, reconciliation, backfills).
    public var unlessBound: Bool
    /// A rehire given back the address of the person's former bind job (this id): the reservation moves to the
    /// new job, in the same transaction, instead of a new address being reserved.
    public var reclaimsAddressOf: String?

    public init(
        source: String, eventID: String, employeeID: String, feishuUserID: String?, lookupEmail: String? = nil, lookupMobile: String? = nil,
        exchangeAccount: String, adminAccount: String, userIDType: String, callbackURL: String?, namingTrace: JSONValue? = nil, personName: String? = nil,
        receivedAt: Date, unlessBound: Bool = false, reclaimsAddressOf: String? = nil
    ) {
        self.personName = personName
        self.unlessBound = unlessBound
        self.reclaimsAddressOf = reclaimsAddressOf
        self.source = source
        self.eventID = eventID
        self.employeeID = employeeID
        self.feishuUserID = feishuUserID
        self.lookupEmail = lookupEmail
        self.lookupMobile = lookupMobile
        self.exchangeAccount = exchangeAccount
        self.adminAccount = adminAccount
        self.userIDType = userIDType
        self.callbackURL = callbackURL
        self.namingTrace = namingTrace
        self.receivedAt = receivedAt
    }
}

/// An offboarding request: remove the binding of the source's employee's latest bind job.
public struct NewUnbindJob: Sendable, Hashable {
    public var source: String
    public var eventID: String
    public var employeeID: String
    public var callbackURL: String?
    public var receivedAt: Date

    public init(source: String, eventID: String, employeeID: String, callbackURL: String?, receivedAt: Date) {
        self.source = source
        self.eventID = eventID
        self.employeeID = employeeID
        self.callbackURL = callbackURL
        self.receivedAt = receivedAt
    }
}

/// An id-only event to read the person of before naming (Feishu People's new-hire events).
public struct NewReadJob: Sendable, Hashable {
    public var source: String
    public var eventID: String
    /// The id the event carries (a CoreHR employment id); the job's employee id until the person is read.
    public var personID: String
    public var callbackURL: String?
    public var receivedAt: Date
    /// Not read before then: the platform's reads lag its events.
    public var notBefore: Date

    public init(source: String, eventID: String, personID: String, callbackURL: String?, receivedAt: Date, notBefore: Date) {
        self.source = source
        self.eventID = eventID
        self.personID = personID
        self.callbackURL = callbackURL
        self.receivedAt = receivedAt
        self.notBefore = notBefore
    }
}

/// What enqueueing an event did.
public enum EnqueueOutcome: Sendable, Hashable {
    /// A new job; the intake record, the address reservation and the job were written in one transaction.
    case created(JobReceipt)
    /// The event was seen before: the first job's receipt, nothing written.
    case duplicate(JobReceipt)
    /// Someone holds the address (or held it: addresses are never released); nothing was written.
    case addressTaken(String)
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

    enum CodingKeys: String, CodingKey {
        case number, outcome, failure
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case logID = "log_id"
    }

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
    /// The job's work is done and handed on (a person read and their bind job queued).
    case completed
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

/// A bound job whose sync a watcher holds until its lease expires.
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

/// A result for the outbox, already in its wire format: the store keeps and hands back these bytes.
public struct OutboundCallback: Sendable, Hashable {
    /// Stable across retries, so the receiver can drop repeats (`webhook-id`); unique per result.
    public var messageID: String
    public var url: String
    public var body: [UInt8]

    public init(messageID: String, url: String, body: [UInt8]) {
        self.messageID = messageID
        self.url = url
        self.body = body
    }
}

/// A result waiting in the outbox, leased to a deliverer.
public struct CallbackDelivery: Sendable, Hashable {
    public var id: Int64
    public var jobID: String
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

/// Where a callback stands.
public enum CallbackStatus: String, Sendable, Codable, CaseIterable {
    case pending, delivering, delivered, dead
}

/// What asking to retry a job or a callback did.
public enum RequeueOutcome: Sendable, Hashable {
    case requeued
    case notFound
    /// Only dead (and, for jobs, failed) work can be retried; this is its current status.
    case notRetryable(String)
}

/// What recording a mailbox directory check did to the job's address.
public enum MailboxClaim: Sendable, Hashable {
    /// The trace is kept; the job's address is the one given (claimed for it when it was another).
    case recorded
    /// The address is another job's (not of the same person): the job keeps its own address.
    case heldBy(jobID: String)
}

/// An offboarding event whose employee has no bind job here.
public struct UnknownEmployeeError: Error, Sendable, CustomStringConvertible {
    public var employeeID: String
    public var description: String { "no bind job is known for employee \(employeeID) from this source" }

    public init(employeeID: String) {
        self.employeeID = employeeID
    }
}

/// A lease that is no longer held: it expired and another worker took the work over.
public struct LeaseLostError: Error, Sendable, CustomStringConvertible {
    public var description: String { "the lease was lost: another worker holds the job now" }
    public init() {}
}
