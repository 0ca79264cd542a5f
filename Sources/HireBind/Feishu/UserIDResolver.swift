// UserIDResolver: a new hire's Feishu user id looked up by work email or mobile, for events that carry none.

import FeishuAPI
import HireBindCore
import Secrets

/// Finds a new hire's Feishu user id by work email or mobile (`batch_get_id`, with the app's tenant token),
/// for events that carry no `feishu_user_id`.
struct UserIDResolver: Sendable {
    let feishu: FeishuClient
    /// Nil when the app credentials are not configured: lookups then wait for an operator.
    let tenantTokens: TenantAccessTokens?

    /// The user id, or nil when nobody in the tenant has the email or mobile.
    func userID(for job: BindJob) async throws(FeishuCallError) -> String? {
        guard let tenantTokens else {
            throw .operatorNeeded(
                code: "no_app_credentials", message: "the event has no feishu_user_id and hirebind cannot look it up",
                hint: "Configure feishu.app_id and feishu.app_secret (the app needs contact:user.id:readonly), or send employee.feishu_user_id."
            )
        }
        let emails = job.lookupEmail.map { [$0] } ?? []
        let mobiles = job.lookupMobile.map { [$0] } ?? []
        let answer = try await tenantTokens.calling { token throws(FeishuCallError) in
            try await feishu.batchGetUserIDs(emails: emails, mobiles: mobiles, userIDType: job.userIDType, tenantAccessToken: token)
        }
        // An email match first, then a mobile match.
        let byEmail = answer.value.userList.first { $0.email != nil && $0.userID != nil }
        let byMobile = answer.value.userList.first { $0.mobile != nil && $0.userID != nil }
        return (byEmail ?? byMobile)?.userID
    }

    static func notFound(_ job: BindJob) -> JobFailure {
        let keys = [job.lookupEmail.map { "email \($0)" }, job.lookupMobile.map { "mobile \($0)" }].compactMap { $0 }.joined(separator: " or ")
        return JobFailure(
            code: "user_not_found", message: "no Feishu user in the tenant has the \(keys)",
            hint:
                "Add the person to Feishu's contacts with this work email or mobile (or send employee.feishu_user_id), then retry the job: POST /v1/jobs/{id}/retry."
        )
    }
}

extension UserAccessTokens {
    /// Runs `call` with the current user token; when Feishu refuses it as expired or invalid, once more with a
    /// refreshed one.
    func calling<T>(_ call: (Secret) async throws(FeishuCallError) -> T) async throws(FeishuCallError) -> T {
        let token = try await current()
        do throws(FeishuCallError) {
            return try await call(token)
        } catch  where error.errorClass == .refreshThenRetry {
            let fresh = try await refused(token)
            do throws(FeishuCallError) {
                return try await call(fresh)
            } catch  where error.errorClass == .refreshThenRetry {
                throw .operatorNeeded(
                    code: "user_token_refused", message: "Feishu refused a freshly refreshed user_access_token: \(error.failure.message)",
                    hint: "The refreshed token was refused too.", needsLogin: true
                )
            }
        }
    }
}
