import Foundation
import HireBindCore
import Hummingbird
import HTTPTypes
import JobStore
import WebhookSignature

/// The admin API: `GET /v1/jobs/{id}` and `GET /v1/jobs?status=…`, behind a bearer token.
struct AdminRoutes: Sendable {
    let store: any JobStore
    let token: Secret?

    struct JobDetail: Encodable {
        var job: BindJob
        var attempts: [JobAttempt]
        var callbackStatus: CallbackStatus?

        enum CodingKeys: String, CodingKey {
            case job, attempts
            case callbackStatus = "callback_status"
        }
    }

    struct JobList: Encodable {
        var jobs: [BindJob]
    }

    struct CallbackList: Encodable {
        var callbacks: [CallbackRecord]
    }

    func addRoutes(to router: Router<some RequestContext>) {
        addRetryRoutes(to: router)
        router.get("/v1/jobs/:id") { request, context in
            try authorize(request)
            let id = context.parameters.get("id") ?? ""
            guard let job = try await store.job(id: id) else {
                throw APIError(.notFound, code: "unknown_job", message: "no job has the id '\(id.prefix(64))'")
            }
            return Response.json(.ok, JobDetail(job: job, attempts: try await store.attempts(jobID: id), callbackStatus: try await store.callbackStatus(jobID: id)))
        }
        router.get("/v1/jobs") { request, context in
            try authorize(request)
            var status: JobStatus?
            if let text = request.uri.queryParameters.get("status") {
                guard let parsed = JobStatus(rawValue: text) else {
                    let known = JobStatus.allCases.map(\.rawValue).joined(separator: ", ")
                    throw APIError(.badRequest, code: "invalid_status", message: "status must be one of \(known)")
                }
                status = parsed
            }
            let limit = min(1000, max(1, request.uri.queryParameters.get("limit").flatMap { Int($0) } ?? 100))
            return Response.json(.ok, JobList(jobs: try await store.jobs(status: status, limit: limit)))
        }
    }

    func addRetryRoutes(to router: Router<some RequestContext>) {
        router.post("/v1/jobs/:id/retry") { request, context in
            try authorize(request)
            let id = context.parameters.get("id") ?? ""
            try Self.check(try await store.requeueJob(id: id, now: Date()), what: "job", id: id)
            guard let job = try await store.job(id: id) else { throw APIError(.notFound, code: "unknown_job", message: "no such job") }
            return Response.json(.accepted, ["job": job])
        }
        router.get("/v1/callbacks") { request, _ in
            try authorize(request)
            var status: CallbackStatus?
            if let text = request.uri.queryParameters.get("status") {
                guard let parsed = CallbackStatus(rawValue: text) else {
                    throw APIError(.badRequest, code: "invalid_status", message: "status must be one of pending, delivering, delivered, dead")
                }
                status = parsed
            }
            let limit = min(1000, max(1, request.uri.queryParameters.get("limit").flatMap { Int($0) } ?? 100))
            return Response.json(.ok, CallbackList(callbacks: try await store.callbacks(status: status, limit: limit)))
        }
        router.post("/v1/callbacks/:id/retry") { request, context in
            try authorize(request)
            let text = context.parameters.get("id") ?? ""
            guard let id = Int64(text) else { throw APIError(.notFound, code: "unknown_callback", message: "no callback has the id '\(text.prefix(32))'") }
            try Self.check(try await store.requeueCallback(id: id, now: Date()), what: "callback", id: text)
            return Response.json(.accepted, ["status": "pending"])
        }
    }

    static func check(_ outcome: RequeueOutcome, what: String, id: String) throws {
        switch outcome {
        case .requeued:
            return
        case .notFound:
            throw APIError(.notFound, code: "unknown_\(what)", message: "no \(what) has the id '\(id.prefix(64))'")
        case .notRetryable(let status):
            throw APIError(.conflict, code: "not_retryable", message: "the \(what) is \(status); only dead\(what == "job" ? " or failed" : "") ones can be retried")
        }
    }

    /// Compares the bearer token in constant time.
    func authorize(_ request: Request) throws {
        guard let token else {
            throw APIError(.unauthorized, code: "admin_disabled", message: "the admin API is disabled: configure admin.token")
        }
        let presented = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil } ?? ""
        guard ConstantTime.equals(Array(presented.utf8), Array(token.value.utf8)) else {
            throw APIError(.unauthorized, code: "unauthorized", message: "a valid admin bearer token is required",
                           headers: [.wwwAuthenticate: "Bearer"])
        }
    }
}
