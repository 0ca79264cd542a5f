// AdminListenerTests: the admin API and metrics on a listener of their own, request ids, per-client failure limits.

import Foundation
import HireBind
import HireBindTesting
import Logging
import NIOHTTP1
import Testing
import WebhookSignature

@Suite struct AdminListenerTests {
    @Test func thePublicPortServesWebhooksAndHealthOnlyAndTheAdminListenerTheRest() async throws {
        try await Stack.with { (stack: Stack) async throws in
            #expect(stack.adminURL != stack.serviceURL)
            #expect(try await stack.service(.GET, "/v1/jobs", headers: ["Authorization": "Bearer \(Stack.adminToken)"]).status == 404)
            #expect(try await stack.service(.GET, "/metrics").status == 404)
            #expect(try await stack.service(.GET, "/healthz").status == 200)
            #expect(try await stack.admin("/v1/jobs").status == 200)
            #expect(try await stack.admin("/metrics", token: nil).status == 200)
            #expect(try await stack.admin("/healthz", token: nil).status == 200)
            let document = try await stack.admin("/openapi.yaml", token: nil)
            #expect(document.status == 200)
            #expect(document.headers.first(name: "Content-Type")?.hasPrefix("application/yaml") == true)
            // Webhooks are not served on the admin listener.
            #expect(try await stack.admin(.POST, "/v1/webhooks/workday").status == 404)
        }
    }

    @Test func everyAnswerCarriesARequestIdThatItsLogLinesShare() async throws {
        let capture = CapturingLogHandler()
        var logger = Logger(label: "request-id") { _ in capture }
        logger.logLevel = .trace
        try await Stack.with(.init { $0.logger = logger }) { stack in
            let accepted = try await stack.postWebhook(Stack.event("evt-rid"))
            let forged = try await stack.postWebhook(
                Array(try JSONSerialization.data(withJSONObject: Stack.event("evt-forged"))),
                signedWith: SigningSecret(key: Array(repeating: 9, count: 32)))
            let missing = try await stack.service(.GET, "/nowhere")
            let admin = try await stack.admin("/v1/jobs", token: "wrong-token-wrong-token")
            var ids: Set<String> = []
            for answer in [accepted, forged, missing, admin] {
                let id = try #require(answer.headers.first(name: "X-Request-Id"))
                #expect(id.count >= 16)
                ids.insert(id)
            }
            #expect(ids.count == 4)
            let forgedID = try #require(forged.headers.first(name: "X-Request-Id"))
            let refusal = capture.text.split(separator: "\n").first { $0.contains("webhook signature refused") }
            #expect(refusal?.contains(forgedID) == true)
            #expect(refusal?.contains("127.0.0.1") == true)
            let acceptedID = try #require(accepted.headers.first(name: "X-Request-Id"))
            #expect(capture.text.split(separator: "\n").contains { $0.contains("job accepted") && $0.contains(acceptedID) })
            let login = capture.text.split(separator: "\n").first { $0.contains("admin login refused") }
            #expect(login?.contains("127.0.0.1") == true)
            #expect(login?.contains("wrong-token") == false)
        }
    }

    @Test func aClientWhoseSignaturesKeepFailingIsRefusedBeforeAnyHMAC() async throws {
        try await Stack.with(.init { $0.authFailureLimit = 3 }) { stack in
            let forger = SigningSecret(key: Array(repeating: 7, count: 32))
            for index in 0..<3 {
                let answer = try await stack.postWebhook(
                    Array(try JSONSerialization.data(withJSONObject: Stack.event("evt-f\(index)"))), signedWith: forger)
                #expect(answer.status == 401)
            }
            let throttled = try await stack.postWebhook(Stack.event("evt-genuine"))
            #expect(throttled.status == 429)
            #expect(throttled.errorCode == "too_many_failures")
            let retryAfter = try #require(throttled.headers.first(name: "Retry-After").flatMap(Int.init))
            #expect(retryAfter >= 1 && retryAfter <= 60)
            // The admin listener keeps its own count: webhook forgeries do not lock the operator out.
            #expect(try await stack.admin("/v1/jobs").status == 200)
            for _ in 0..<3 { #expect(try await stack.admin("/v1/jobs", token: "not-the-admin-token").status == 401) }
            #expect(try await stack.admin("/v1/jobs").status == 429)
            let metrics = try await stack.metricsText()
            #expect(metrics.contains(#"hirebind_auth_failures_total{listener="webhooks",reason="invalid_signature"} 3"#))
            #expect(metrics.contains(#"hirebind_auth_failures_total{listener="admin",reason="unauthorized"} 3"#))
            #expect(metrics.contains(#"hirebind_auth_throttled_total{listener="webhooks"} 1"#))
            #expect(metrics.contains(#"hirebind_auth_throttled_total{listener="admin"} 1"#))
        }
    }

    @Test func theLimitForgetsFailuresOutsideItsWindowAndStaysBounded() {
        let limiter = ClientFailureLimiter(limit: 2, windowSeconds: 60, maximumClients: 3)
        let start = Date()
        limiter.recordFailure("10.0.0.1", now: start)
        #expect(limiter.retryAfter("10.0.0.1", now: start) == nil)
        limiter.recordFailure("10.0.0.1", now: start.addingTimeInterval(10))
        #expect(limiter.retryAfter("10.0.0.1", now: start.addingTimeInterval(10)) == 50)
        #expect(limiter.retryAfter("10.0.0.2", now: start.addingTimeInterval(10)) == nil)
        // The first failure leaves the window at 60 s: one left, under the limit.
        #expect(limiter.retryAfter("10.0.0.1", now: start.addingTimeInterval(61)) == nil)
        // Past the client cap, the client that failed longest ago is forgotten.
        for (index, client) in ["a", "b", "c", "d"].enumerated() {
            limiter.recordFailure(client, now: start.addingTimeInterval(100 + Double(index)))
            limiter.recordFailure(client, now: start.addingTimeInterval(100 + Double(index)))
        }
        #expect(limiter.retryAfter("a", now: start.addingTimeInterval(105)) == nil)
        #expect(limiter.retryAfter("d", now: start.addingTimeInterval(105)) != nil)
    }
}
