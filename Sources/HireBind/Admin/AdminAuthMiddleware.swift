// AdminAuthMiddleware: the admin API's one bearer-token check, in constant time, before any admin handler runs.

import HTTPTypes
import Hummingbird
import Logging
import Secrets
import WebhookSignature

/// Lets a request through only with `Authorization: Bearer <admin.token>`; without a configured token the admin
/// API is disabled. Compared in constant time; a client whose logins keep failing is answered 429 for a while,
/// before any comparison.
struct AdminAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: Secret?
    let failures: ClientFailureLimiter
    let metrics: HireBindMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token else {
            throw APIError(.unauthorized, code: "admin_disabled", message: "the admin API is disabled: configure admin.token")
        }
        let client = context.clientAddress
        try failures.refuseWhileLockedOut(client, listener: "admin", failures: "admin logins", metrics: metrics)
        let presented = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil } ?? ""
        guard ConstantTime.equals(Array(presented.utf8), Array(token.value.utf8)) else {
            failures.recordFailure(client)
            metrics.authFailure(listener: "admin", reason: "unauthorized")
            context.logger.notice(
                "admin login refused", metadata: ["client": "\(client)", "reason": "\(presented.isEmpty ? "no bearer token" : "wrong token")"])
            throw APIError(
                .unauthorized, code: "unauthorized", message: "a valid admin bearer token is required", headers: [.wwwAuthenticate: "Bearer"])
        }
        return try await next(request, context)
    }
}
