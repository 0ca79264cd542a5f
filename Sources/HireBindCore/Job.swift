// Job: a bind or unbind job as workers and the admin API see it, its status, failures and the HR result.

public import Foundation

/// Where a bind job stands.
public enum JobStatus: String, Sendable, Codable, CaseIterable {
    /// Waiting for a worker (new, or scheduled for a retry).
    case queued
    /// Leased by a worker.
    case running
    /// Feishu created the binding.
    case succeeded
    /// Feishu refused the binding for a reason a retry cannot fix.
    case failed
    /// Every allowed attempt failed with a retryable error.
    case dead

    public var isFinal: Bool { self == .succeeded || self == .failed || self == .dead }
}

/// What the intake answers: 202 for a new job, 200 with the same body for a repeated event.
public struct JobReceipt: Sendable, Hashable, Codable {
    public var jobID: String
    public var exchangeAccount: String
    public var status: JobStatus

    public init(jobID: String, exchangeAccount: String, status: JobStatus) {
        self.jobID = jobID
        self.exchangeAccount = exchangeAccount
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id"
        case exchangeAccount = "exchange_account"
        case status
    }
}

/// What a job does in Feishu.
public enum JobKind: String, Sendable, Codable {
    /// Bind the new hire's Exchange account (`employee.hired`).
    case bind
    /// Remove the binding an earlier bind job made (`employee.terminated`).
    case unbind
    /// Read a person an id-only event named (Feishu People's), then queue their bind job.
    case readPerson = "read_person"
    /// An event for a person who could not be named (a field missing, its scope not granted): kept as a failed
    /// job so an operator sees the reason; nothing is bound.
    case refused
}

/// A job as the worker needs it.
public struct BindJob: Sendable, Hashable, Codable {
    public var id: String
    public var kind: JobKind
    public var source: String
    public var eventID: String
    public var employeeID: String
    /// Empty until known: the worker looks it up by `lookupEmail` / `lookupMobile` first.
    public var feishuUserID: String
    public var lookupEmail: String?
    public var lookupMobile: String?
    public var exchangeAccount: String
    public var adminAccount: String
    public var userIDType: String
    public var callbackURL: String?
    public var status: JobStatus
    /// Attempts started so far, this one included once leased.
    public var attempts: Int
    public var bindingID: String?
    /// The binding's calendar sync status as last seen (`doing` … `done`, `err`), and whether it is still followed.
    public var syncStatus: String?
    public var followingSync: Bool
    /// For an unbind job: the bind job whose binding it removes.
    public var targetJobID: String?
    /// A call for the job may have taken effect unseen (it timed out, its connection dropped, or its worker
    /// stopped mid-call): from then on the worker looks the binding up before it creates it.
    public var outcomeUnknown: Bool
    /// Results of this job put in the outbox so far; the next one is numbered after them.
    public var callbacksQueued: Int
    public var lastError: JobFailure?
    /// Why the job got its address (rule set, romanised names, each candidate tried), as the naming rules wrote it.
    public var namingTrace: JSONValue?
    /// When the event that made the job arrived (the mailbox directory's wait window counts from it).
    public var receivedAt: Date?
    /// The person's name as the event gave it (an unbind job carries its bind job's).
    public var personName: String?

    public init(
        id: String, kind: JobKind = .bind, source: String, eventID: String, employeeID: String, feishuUserID: String,
        lookupEmail: String? = nil, lookupMobile: String? = nil,
        exchangeAccount: String, adminAccount: String, userIDType: String, callbackURL: String?,
        status: JobStatus, attempts: Int, bindingID: String? = nil, syncStatus: String? = nil, followingSync: Bool = false,
        targetJobID: String? = nil, outcomeUnknown: Bool = false, callbacksQueued: Int = 0, lastError: JobFailure? = nil,
        namingTrace: JSONValue? = nil, receivedAt: Date? = nil, personName: String? = nil
    ) {
        self.receivedAt = receivedAt
        self.personName = personName
        self.outcomeUnknown = outcomeUnknown
        self.callbacksQueued = callbacksQueued
        self.id = id
        self.kind = kind
        self.lookupEmail = lookupEmail
        self.lookupMobile = lookupMobile
        self.syncStatus = syncStatus
        self.followingSync = followingSync
        self.targetJobID = targetJobID
        self.source = source
        self.eventID = eventID
        self.employeeID = employeeID
        self.feishuUserID = feishuUserID
        self.exchangeAccount = exchangeAccount
        self.adminAccount = adminAccount
        self.userIDType = userIDType
        self.callbackURL = callbackURL
        self.status = status
        self.attempts = attempts
        self.bindingID = bindingID
        self.lastError = lastError
        self.namingTrace = namingTrace
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, source, status, attempts
        case eventID = "event_id"
        case lookupEmail = "lookup_email"
        case lookupMobile = "lookup_mobile"
        case syncStatus = "sync_status"
        case followingSync = "following_sync"
        case targetJobID = "target_job_id"
        case outcomeUnknown = "outcome_unknown"
        case callbacksQueued = "callbacks_queued"
        case employeeID = "employee_id"
        case feishuUserID = "feishu_user_id"
        case exchangeAccount = "exchange_account"
        case adminAccount = "admin_account"
        case userIDType = "user_id_type"
        case callbackURL = "callback_url"
        case bindingID = "exchange_binding_id"
        case lastError = "last_error"
        case namingTrace = "naming_trace"
        case receivedAt = "received_at"
        case personName = "person_name"
    }
}

/// Why an attempt or a job failed, in words an operator can act on. Never carries a secret.
public struct JobFailure: Error, Sendable, Hashable, Codable {
    /// Feishu's error code as a string (`"195100"`), or a hirebind code (`"timeout"`, `"transport"`).
    public var code: String
    public var message: String
    public var hint: String

    public init(code: String, message: String, hint: String) {
        self.code = code
        self.message = message
        self.hint = hint
    }
}

/// The result posted to the HR system's callback.
public struct BindResult: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Codable {
        /// The Exchange account is bound (the first result; `sync_status` tells how far the calendar sync is).
        case bound
        /// The calendar sync the binding started has ended (`sync_status` `done` or `err`) or was given up on.
        case synced
        /// Offboarding removed the binding (or found none to remove).
        case unbound
        case failed
    }

    public var eventID: String
    public var employeeID: String
    public var jobID: String
    public var status: Status
    public var exchangeAccount: String
    public var exchangeBindingID: String?
    public var syncStatus: String?
    /// The Feishu user the account is bound to (useful when hirebind looked it up).
    public var feishuUserID: String?
    /// False when another result for the job will follow (the sync result after `bound`).
    public var final: Bool
    public var error: JobFailure?

    public init(
        eventID: String, employeeID: String, jobID: String, status: Status, exchangeAccount: String,
        exchangeBindingID: String? = nil, syncStatus: String? = nil, feishuUserID: String? = nil, final: Bool = true,
        error: JobFailure? = nil
    ) {
        self.feishuUserID = feishuUserID
        self.final = final
        self.eventID = eventID
        self.employeeID = employeeID
        self.jobID = jobID
        self.status = status
        self.exchangeAccount = exchangeAccount
        self.exchangeBindingID = exchangeBindingID
        self.syncStatus = syncStatus
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id"
        case employeeID = "employee_id"
        case jobID = "job_id"
        case status
        case exchangeAccount = "exchange_account"
        case exchangeBindingID = "exchange_binding_id"
        case syncStatus = "sync_status"
        case feishuUserID = "feishu_user_id"
        case final
        case error
    }

    /// The result a job's settled row gives: for the outbox and the admin API.
    public init(_ job: BindJob, status: Status, final: Bool = true, error: JobFailure? = nil) {
        self.init(
            eventID: job.eventID, employeeID: job.employeeID, jobID: job.id, status: status, exchangeAccount: job.exchangeAccount,
            exchangeBindingID: job.bindingID, syncStatus: job.syncStatus, feishuUserID: job.feishuUserID.isEmpty ? nil : job.feishuUserID,
            final: final, error: error
        )
    }
}
