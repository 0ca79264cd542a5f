import MailboxNaming

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

/// A job as the worker needs it.
public struct BindJob: Sendable, Hashable, Codable {
    public var id: String
    public var source: String
    public var eventID: String
    public var employeeID: String
    public var feishuUserID: String
    public var exchangeAccount: String
    public var adminAccount: String
    public var userIDType: String
    public var callbackURL: String?
    public var status: JobStatus
    /// Attempts started so far, this one included once leased.
    public var attempts: Int
    public var bindingID: String?
    public var lastError: JobFailure?
    public var namingTrace: NamingTrace?

    public init(
        id: String, source: String, eventID: String, employeeID: String, feishuUserID: String,
        exchangeAccount: String, adminAccount: String, userIDType: String, callbackURL: String?,
        status: JobStatus, attempts: Int, bindingID: String? = nil, lastError: JobFailure? = nil,
        namingTrace: NamingTrace? = nil
    ) {
        self.id = id
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
        case id, source, status, attempts
        case eventID = "event_id"
        case employeeID = "employee_id"
        case feishuUserID = "feishu_user_id"
        case exchangeAccount = "exchange_account"
        case adminAccount = "admin_account"
        case userIDType = "user_id_type"
        case callbackURL = "callback_url"
        case bindingID = "exchange_binding_id"
        case lastError = "last_error"
        case namingTrace = "naming_trace"
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
        case bound
        case failed
    }

    public var eventID: String
    public var employeeID: String
    public var jobID: String
    public var status: Status
    public var exchangeAccount: String
    public var exchangeBindingID: String?
    public var syncStatus: String?
    public var error: JobFailure?

    public init(
        eventID: String, employeeID: String, jobID: String, status: Status, exchangeAccount: String,
        exchangeBindingID: String? = nil, syncStatus: String? = nil, error: JobFailure? = nil
    ) {
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
        case error
    }
}
