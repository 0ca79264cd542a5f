// HealthRoutes: `/healthz`, `/readyz` (draining, credentials, store) on both listeners; `/metrics` on the admin one.

import Foundation
import HTTPTypes
import HireBindCore
import Hummingbird
import JobStore
import NIOCore

/// Liveness and readiness, served on the public port and the admin listener.
struct HealthRoutes: Sendable {
    let readiness: Readiness

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/healthz") { _, _ in Response.json(.ok, ["status": "ok"]) }
        router.get("/readyz") { _, _ in
            try await readiness.check()
            return Response.json(.ok, ["status": "ready"])
        }
    }
}

/// Whether the service can do its work: not draining, its credentials accepted, its store answering. `/readyz`
/// and the console's overview ask the same.
struct Readiness: Sendable {
    let drain: DrainSignal
    let health: FeishuHealth
    let store: any JobQueue

    /// Returns when ready; otherwise throws the 503 `/readyz` answers, whose message says what is wrong.
    func check() async throws {
        if drain.isDraining {
            throw APIError(.serviceUnavailable, code: "shutting_down", message: "hirebind is shutting down")
        }
        if let problem = health.operatorAttention {
            // The mailbox directory's credentials or query, or else Feishu's credentials or scopes.
            throw APIError(
                .serviceUnavailable, code: problem.code.hasPrefix("mailbox_directory") ? "mailbox_directory" : "feishu_credentials",
                message: "degraded: jobs wait: \(problem.code) \(problem.message): \(problem.hint)"
            )
        }
        // The store answers.
        do {
            _ = try await store.nextJobDue()
        } catch {
            throw APIError(.serviceUnavailable, code: "store_unavailable", message: "the store does not answer: \(error)")
        }
    }
}

/// The OpenAPI document of both listeners (`Admin/openapi.yaml`, a resource of this module), on the admin listener.
struct OpenAPIRoute: Sendable {
    static let document: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"), let data = try? Data(contentsOf: url) else { return [] }
        return Array(data)
    }()

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/openapi.yaml") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/yaml; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: Self.document)))
        }
    }
}

/// The Prometheus exposition, on the admin listener only.
struct MetricsRoute: Sendable {
    let metrics: HireBindMetrics

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
    }
}
