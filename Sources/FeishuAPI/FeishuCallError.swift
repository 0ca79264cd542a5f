// FeishuCallError: a call to Feishu that did not succeed, with its class, failure and whether its outcome is unknown.

/// A call to Feishu that did not succeed.
public enum FeishuCallError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Feishu answered with a non-zero `code`; `retryAfter` is its `x-ogw-ratelimit-reset`, when sent.
    case api(code: Int, message: String, httpStatus: Int, logID: String?, retryAfter: Double? = nil)
    /// No answer within the timeout: the outcome is unknown.
    case timeout(logID: String?)
    /// The connection failed or dropped; the outcome may be unknown.
    case transport(String)
    /// An answer that is not Feishu's JSON (an HTML 502 from a proxy, say).
    case unexpectedResponse(httpStatus: Int, logID: String?)
    /// No usable token to call with: the call was not made. `operatorNeeded` when a person must act
    /// (log in again, fix the app credentials); otherwise the token service failed for a while.
    case credentials(FeishuFailure, operatorNeeded: Bool)

    public var errorClass: FeishuErrorClass {
        switch self {
        case .api(let code, _, let httpStatus, _, _): FeishuErrorCatalog.classify(code: code, httpStatus: httpStatus)
        case .timeout, .transport: .retry
        case .unexpectedResponse(let status, _): status == 429 ? .rateLimited : (status >= 500 ? .retry : .permanent)
        case .credentials(_, let operatorNeeded): operatorNeeded ? .waitForOperator : .retry
        }
    }

    public var logID: String? {
        switch self {
        case .api(_, _, _, let logID, _), .timeout(let logID), .unexpectedResponse(_, let logID): logID
        case .transport, .credentials: nil
        }
    }

    /// No usable credentials, and only a person can fix that: every job would fail alike, so jobs wait.
    public static func operatorNeeded(code: String, message: String, hint: String, needsLogin: Bool = false) -> FeishuCallError {
        .credentials(FeishuFailure(code: code, message: message, hint: hint, needsLogin: needsLogin), operatorNeeded: true)
    }

    /// The token service failed for a while: the call was not made, and is retried.
    public static func credentialsUnavailable(code: String, message: String) -> FeishuCallError {
        .credentials(FeishuFailure(code: code, message: message, hint: "hirebind retries."), operatorNeeded: false)
    }

    /// The failure as the job history and the HR callback show it.
    public var failure: FeishuFailure {
        switch self {
        case .api(let code, let message, let httpStatus, _, _):
            FeishuFailure(
                code: String(code), message: message, hint: FeishuErrorCatalog.hint(code: code, httpStatus: httpStatus),
                needsLogin: FeishuErrorCatalog.needsLogin(code: code)
            )
        case .timeout:
            FeishuFailure(
                code: "timeout", message: "Feishu did not answer in time", hint: "hirebind retries; the outcome of the timed-out call is unknown.")
        case .transport(let detail):
            FeishuFailure(
                code: "transport", message: "connection to Feishu failed: \(detail)",
                hint: "hirebind retries; check the network path to the Feishu base URL.")
        case .unexpectedResponse(let status, _):
            FeishuFailure(
                code: "http_\(status)", message: "Feishu answered HTTP \(status) without a JSON body",
                hint: status >= 500 || status == 429 ? "hirebind retries." : "Check feishu.base_url points at the open platform."
            )
        case .credentials(let failure, _):
            failure
        }
    }

    /// Seconds Feishu asked to wait before the next call, when it said.
    public var retryAfter: Double? {
        if case .api(_, _, _, _, let retryAfter) = self { return retryAfter }
        return nil
    }

    /// True when the call may have taken effect although no answer said so (a timeout, a dropped connection).
    public var outcomeUnknown: Bool {
        switch self {
        case .timeout, .transport: true
        case .api, .unexpectedResponse, .credentials: false
        }
    }

    public var description: String {
        let failure = self.failure
        return "\(failure.code): \(failure.message)"
    }
}
