// FeishuErrorCatalog: every documented error code with its class and an operator hint.

/// What to do about a Feishu error.
public enum FeishuErrorClass: String, Sendable, Hashable, Codable {
    /// Try again later with backoff (server errors, contention, timeouts).
    case retry
    /// Slow down: the call was rate limited; it does not count as a failed attempt.
    case rateLimited
    /// The token was expired or invalid: refresh it and call again at once (no attempt used).
    case refreshThenRetry
    /// The service's own credentials are missing, invalid, expired or lack a scope: every job would fail the
    /// same way. Jobs wait (without using attempts) until an operator fixes it; readiness reports it.
    case waitForOperator
    /// Retrying cannot help: the request or the tenant's setup must change.
    case permanent
}

/// Every error code of the exchange binding API page and the platform codes it can meet,
/// each with its class and a hint for the operator.
public enum FeishuErrorCatalog {
    public struct Entry: Sendable, Hashable {
        public var errorClass: FeishuErrorClass
        public var message: String
        public var hint: String
    }

    public static let entries: [Int: Entry] = [
        190002: Entry(
            errorClass: .permanent, message: "invalid parameters in request",
            hint: "Check the request fields and that the app has the calendar:exchange.bindings:create scope."),
        190003: Entry(
            errorClass: .retry, message: "internal service error",
            hint: "Feishu had an internal error; hirebind retries. If it persists, contact Feishu support with the log id."),
        190004: Entry(
            errorClass: .rateLimited, message: "method rate limited",
            hint: "Feishu limits this method to 50/s and 1000/min; hirebind slows down and retries."),
        190005: Entry(
            errorClass: .rateLimited, message: "app rate limited",
            hint: "The app hit its rate limit; hirebind slows down and retries."),
        190006: Entry(
            errorClass: .permanent, message: "wrong unit for app tenant",
            hint: "Check the app's App ID and App Secret belong to this tenant."),
        190007: Entry(
            errorClass: .permanent, message: "app bot_id not found",
            hint: "Enable the bot capability of the Feishu app, then retry the job."),
        190010: Entry(
            errorClass: .rateLimited, message: "current operation rate limited",
            hint: "A shared resource was contended; hirebind retries at a lower rate."),
        195100: Entry(
            errorClass: .permanent, message: "user is dismiss or not exist in the tenant",
            hint: "The Feishu user (or the admin behind the token) has left or is not in this tenant: check employee.feishu_user_id and user_id_type."
        ),
        195101: Entry(
            errorClass: .permanent, message: "user is not supper administrator",
            hint: "The user_access_token must belong to a tenant super administrator: log in again as one."),
        195102: Entry(
            errorClass: .permanent, message: "exchange_binding_id invalid",
            hint: "The exchange binding id is malformed."),
        195103: Entry(
            errorClass: .permanent, message: "exchange account binding is not found",
            hint: "No such binding: check the admin and Exchange accounts."),
        195104: Entry(
            errorClass: .permanent, message: "current tenant not match",
            hint: "The admin account is bound to another tenant: check feishu.admin_account."),
        195105: Entry(
            errorClass: .permanent, message: "admin account binding failed",
            hint: "Bind the Exchange admin account again in the Feishu admin console, then retry the job."),
        195106: Entry(
            errorClass: .permanent, message: "admin account is not found",
            hint: "The Exchange admin account does not exist: check feishu.admin_account."),
        99991400: Entry(
            errorClass: .rateLimited, message: "request trigger frequency limit",
            hint: "The platform rate limit was hit; hirebind waits for the reset and retries."),
        99991661: Entry(
            errorClass: .waitForOperator, message: "missing access token",
            hint: "No access token was sent: a tenant super admin must log in (or a fixed user token be configured)."),
        99991663: Entry(
            errorClass: .refreshThenRetry, message: "invalid tenant access token",
            hint: "The tenant_access_token was refused: hirebind fetches a new one and retries."),
        99991664: Entry(
            errorClass: .refreshThenRetry, message: "invalid app access token",
            hint: "The app_access_token was refused: hirebind fetches a new one and retries."),
        99991665: Entry(
            errorClass: .refreshThenRetry, message: "invalid tenant or app access token",
            hint: "The tenant_access_token was refused: hirebind fetches a new one and retries."),
        99991668: Entry(
            errorClass: .refreshThenRetry, message: "invalid user access token",
            hint:
                "The user_access_token was refused: hirebind refreshes it and retries; if the refresh fails, a tenant super admin must log in again."),
        99991677: Entry(
            errorClass: .refreshThenRetry, message: "user access token expired",
            hint: "The user_access_token expired: hirebind refreshes it and retries; if the refresh fails, a tenant super admin must log in again."),
        99991672: Entry(
            errorClass: .waitForOperator, message: "app scope missing",
            hint: "Grant the app the calendar:exchange.bindings:create scope and publish a new version."),
        99991676: Entry(
            errorClass: .waitForOperator, message: "token scope missing",
            hint: "The token lacks the needed scope: log in again after granting calendar:exchange.bindings:create."),
        99991679: Entry(
            errorClass: .waitForOperator, message: "user has not authorized the scope",
            hint: "The admin has not granted the scope: log in again and consent to calendar:exchange.bindings:create."),
    ]

    /// The class of a Feishu answer: a documented code decides; otherwise a 429 is a rate limit,
    /// a 5xx is retried, anything else is permanent.
    public static func classify(code: Int, httpStatus: Int) -> FeishuErrorClass {
        if let entry = entries[code] { return entry.errorClass }
        if httpStatus == 429 { return .rateLimited }
        if httpStatus >= 500 { return .retry }
        return .permanent
    }

    /// Codes only a new login by a tenant super admin can fix.
    public static func needsLogin(code: Int) -> Bool {
        [99991661, 99991668, 99991677, 99991676, 99991679].contains(code)
    }

    public static func hint(code: Int, httpStatus: Int) -> String {
        if let entry = entries[code] { return entry.hint }
        if httpStatus == 429 { return "Feishu rate limited the call; hirebind slows down and retries." }
        if httpStatus >= 500 { return "Feishu answered HTTP \(httpStatus); hirebind retries." }
        return "Feishu refused the call with an undocumented code; see its message and the log id."
    }
}
