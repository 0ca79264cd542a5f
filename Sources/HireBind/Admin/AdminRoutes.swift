// AdminRoutes: the admin API: jobs and callbacks listed, shown and retried, behind the admin auth middleware.

import Foundation
import HTTPTypes
import HireBindCore
import Hummingbird
import JobStore
import Secrets

/// The admin API under `/v1/jobs` and `/v1/callbacks`, every route behind ``AdminAuthMiddleware``.
struct AdminRoutes: Sendable {
    let store: any JobQueue & CallbackOutbox & AdminQueries
    let token: Secret?
    let failures: ClientFailureLimiter
    let metrics: HireBindMetrics

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

    func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let auth = AdminAuthMiddleware<Context>(token: token, failures: failures, metrics: metrics)
        addJobRoutes(to: router.group("/v1/jobs").add(middleware: auth))
        addCallbackRoutes(to: router.group("/v1/callbacks").add(middleware: auth))
    }

    func addJobRoutes(to jobs: RouterGroup<some RequestContext>) {
        jobs.get(":id") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard let job = try await store.job(id: id) else {
                throw APIError(.notFound, code: "unknown_job", message: "no job has the id '\(id.prefix(64))'")
            }
            return Response.json(
                .ok, JobDetail(job: job, attempts: try await store.attempts(jobID: id), callbackStatus: try await store.callbackStatus(jobID: id)))
        }
        jobs.get { request, _ in
            let (status, limit) = try Self.listQuery(request, of: JobStatus.self)
            return Response.json(.ok, JobList(jobs: try await store.jobs(status: status, limit: limit)))
        }
        jobs.post(":id/retry") { _, context in
            let id = context.parameters.get("id") ?? ""
            try Self.check(try await store.requeueJob(id: id, now: Date()), what: "job", id: id)
            guard let job = try await store.job(id: id) else { throw APIError(.notFound, code: "unknown_job", message: "no such job") }
            return Response.json(.accepted, ["job": job])
        }
    }

    func addCallbackRoutes(to callbacks: RouterGroup<some RequestContext>) {
        callbacks.get { request, _ in
            let (status, limit) = try Self.listQuery(request, of: CallbackStatus.self)
            return Response.json(.ok, CallbackList(callbacks: try await store.callbacks(status: status, limit: limit)))
        }
        callbacks.post(":id/retry") { _, context in
            let text = context.parameters.get("id") ?? ""
            guard let id = Int64(text) else {
                throw APIError(.notFound, code: "unknown_callback", message: "no callback has the id '\(text.prefix(32))'")
            }
            try Self.check(try await store.requeueCallback(id: id, now: Date()), what: "callback", id: text)
            return Response.json(.accepted, ["status": "pending"])
        }
    }

    /// A list's `?status=` (one of the type's cases) and `?limit=` (1–1000, default 100).
    static func listQuery<Status: RawRepresentable & CaseIterable>(_ request: Request, of _: Status.Type) throws -> (Status?, Int)
    where Status.RawValue == String {
        var status: Status?
        if let text = request.uri.queryParameters.get("status") {
            guard let parsed = Status(rawValue: text) else {
                let known = Status.allCases.map(\.rawValue).joined(separator: ", ")
                throw APIError(.badRequest, code: "invalid_status", message: "status must be one of \(known)")
            }
            status = parsed
        }
        var limit = 100
        if let text = request.uri.queryParameters.get("limit") {
            guard let parsed = Int(text), (1...1000).contains(parsed) else {
                throw APIError(.badRequest, code: "invalid_limit", message: "limit must be a whole number from 1 to 1000")
            }
            limit = parsed
        }
        return (status, limit)
    }

    static func check(_ outcome: RequeueOutcome, what: String, id: String) throws {
        switch outcome {
        case .requeued:
            return
        case .notFound:
            throw APIError(.notFound, code: "unknown_\(what)", message: "no \(what) has the id '\(id.prefix(64))'")
        case .notRetryable(let status):
            throw APIError(
                .conflict, code: "not_retryable",
                message: "the \(what) is \(status); only dead\(what == "job" ? " or failed" : "") ones can be retried")
        }
    }
}
