// PipelineTests: end to end over loopback: webhook, job, Feishu bind, signed callback.

import DryRun
import FeishuSandbox
import Foundation
import HireBind
import HireBindCore
import HireBindTesting
import Secrets
import Testing
import WebhookSignature

/// End to end over real HTTP on loopback: signed webhook → mailbox → durable job → Feishu bind → signed callback.
@Suite struct PipelineTests {
    @Test func newHireIsBoundAndReportedBack() async throws {
        try await Stack.with { stack in
            let answer = try await stack.postWebhook(Stack.event("evt-1"))
            #expect(answer.status == 202)
            #expect(answer.json["exchange_account"] as? String == "wei.zhang@example.com")
            #expect(answer.json["status"] as? String == "queued")
            let jobID = try #require(answer.json["job_id"] as? String)

            let detail = try await stack.finishedJob(jobID)
            let job = try #require(detail["job"] as? [String: Any])
            #expect(job["status"] as? String == "succeeded")
            let expectedID = FeishuSandbox.bindingID(adminAccount: "exchange-admin@example.com", exchangeAccount: "wei.zhang@example.com")
            #expect(job["exchange_binding_id"] as? String == expectedID)

            // What Feishu received: exactly the documented request.
            let requests = await stack.sandbox.state.receivedRequests()
            #expect(requests.count == 1)
            let request = try #require(requests.first)
            #expect(request.method == "POST")
            #expect(request.path == "/open-apis/calendar/v4/exchange_bindings")
            #expect(request.query == "user_id_type=open_id")
            #expect(request.header("authorization") == "Bearer \(Stack.feishuToken)")
            #expect(request.header("content-type") == "application/json; charset=utf-8")
            let body = try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: String]
            #expect(body == ["admin_account": "exchange-admin@example.com", "exchange_account": "wei.zhang@example.com", "user_id": "ou_zhangwei"])

            // What the HR system received: one signed result.
            let deliveries = await stack.receiver.inbox.waitFor(count: 1, seconds: 10)
            let delivery = try #require(deliveries.first)
            #expect(delivery.path == "/hr/callback")
            #expect(delivery.signatureValid)
            let lookup = HeaderLookup(delivery.headers.map { (name: $0.key, value: $0.value) })
            try StandardWebhooks().verify(
                headers: lookup, body: delivery.body, secrets: [stack.callbackSecret], now: Int64(Date().timeIntervalSince1970))
            #expect(throws: SignatureFailure.self) {
                try StandardWebhooks().verify(
                    headers: lookup, body: delivery.body, secrets: [stack.webhookSecret], now: Int64(Date().timeIntervalSince1970))
            }
            let result = try JSONDecoder().decode(BindResult.self, from: Data(delivery.body))
            #expect(
                result
                    == BindResult(
                        eventID: "evt-1", employeeID: "E-evt-1", jobID: jobID, status: .bound, exchangeAccount: "wei.zhang@example.com",
                        exchangeBindingID: expectedID, syncStatus: "doing", feishuUserID: "ou_zhangwei"
                    ))
            #expect(try await stack.callbackStatus(jobID, reaching: "delivered") == "delivered")
        }
    }

    @Test func repeatedEventGetsTheFirstAnswerAndNoNewJob() async throws {
        try await Stack.with { stack in
            let first = try await stack.postWebhook(Stack.event("evt-dup"))
            let second = try await stack.postWebhook(Stack.event("evt-dup"))
            #expect(first.status == 202)
            #expect(second.status == 200)
            #expect(second.json["job_id"] as? String == first.json["job_id"] as? String)
            #expect(second.json["exchange_account"] as? String == first.json["exchange_account"] as? String)
            _ = try await stack.finishedJob(try #require(first.json["job_id"] as? String))
            let jobs = try await stack.admin("/v1/jobs")
            #expect((jobs.json["jobs"] as? [Any])?.count == 1)
            #expect(await stack.sandbox.state.allBindings().count == 1)
        }
    }

    @Test func twoPeopleWithOneNameGetTwoAddresses() async throws {
        try await Stack.with { stack in
            async let a = stack.postWebhook(Stack.event("evt-a", userID: "ou_a"))
            async let b = stack.postWebhook(Stack.event("evt-b", userID: "ou_b"))
            let (first, second) = try await (a, b)
            #expect(first.status == 202 && second.status == 202)
            let addresses = Set([first.json["exchange_account"] as? String, second.json["exchange_account"] as? String])
            #expect(addresses == ["wei.zhang@example.com", "wei.zhang2@example.com"])
        }
    }

    @Test func permanentFailureReachesTheCallbackWithAHint() async throws {
        try await Stack.with(.init { $0.usersNotInTenant = ["ou_gone"] }) { stack in
            let answer = try await stack.postWebhook(Stack.event("evt-gone", userID: "ou_gone"))
            let jobID = try #require(answer.json["job_id"] as? String)
            let detail = try await stack.finishedJob(jobID)
            let job = try #require(detail["job"] as? [String: Any])
            #expect(job["status"] as? String == "failed")
            #expect((job["last_error"] as? [String: Any])?["code"] as? String == "195100")
            #expect((detail["attempts"] as? [[String: Any]])?.count == 1)
            let delivery = try #require(await stack.receiver.inbox.waitFor(count: 1, seconds: 10).first)
            let result = try JSONDecoder().decode(BindResult.self, from: Data(delivery.body))
            #expect(result.status == .failed)
            #expect(result.exchangeBindingID == nil)
            #expect(result.error?.code == "195100")
            #expect(result.error?.message == "user is dismiss or not exist in the tenant")
            #expect(result.error?.hint.isEmpty == false)
        }
    }

    @Test func retryableFailuresAreRetriedUntilBound() async throws {
        try await Stack.with(.init { $0.maxAttempts = 5 }) { stack in
            await stack.sandbox.state.inject([
                .error(httpStatus: 500, code: 190003, msg: "internal service error"),
                .nonJSON(httpStatus: 502),
                .error(httpStatus: 429, code: 190004, msg: "method rate limited"),
            ])
            let answer = try await stack.postWebhook(Stack.event("evt-flaky"))
            let jobID = try #require(answer.json["job_id"] as? String)
            let detail = try await stack.finishedJob(jobID)
            #expect((detail["job"] as? [String: Any])?["status"] as? String == "succeeded")
            let attempts = try #require(detail["attempts"] as? [[String: Any]])
            #expect(attempts.map { $0["outcome"] as? String } == ["retry", "retry", "retry", "succeeded"])
            #expect(attempts.compactMap { ($0["failure"] as? [String: Any])?["code"] as? String } == ["190003", "http_502", "190004"])
            // The rate-limited attempt did not count: two counted failures, then the success.
            #expect((detail["job"] as? [String: Any])?["attempts"] as? Int == 3)
            #expect(await stack.sandbox.state.receivedRequests().count == 4)
        }
    }

    @Test func exhaustedAttemptsMakeTheJobDead() async throws {
        try await Stack.with(.init { $0.maxAttempts = 2 }) { stack in
            await stack.sandbox.state.inject(Array(repeating: .error(httpStatus: 500, code: 190003, msg: "internal service error"), count: 5))
            let answer = try await stack.postWebhook(Stack.event("evt-dead"))
            let detail = try await stack.finishedJob(try #require(answer.json["job_id"] as? String))
            #expect((detail["job"] as? [String: Any])?["status"] as? String == "dead")
            #expect((detail["attempts"] as? [Any])?.count == 2)
            let delivery = try #require(await stack.receiver.inbox.waitFor(count: 1, seconds: 10).first)
            let result = try JSONDecoder().decode(BindResult.self, from: Data(delivery.body))
            #expect(result.status == .failed)
            #expect(result.error?.code == "190003")
            let dead = try await stack.admin("/v1/jobs?status=dead")
            #expect((dead.json["jobs"] as? [Any])?.count == 1)
        }
    }

    @Test func callbackIsRetriedUntilDelivered() async throws {
        try await Stack.with(.init { $0.receiverFailFirst = [503, 500, 404] }) { stack in
            let answer = try await stack.postWebhook(Stack.event("evt-cb"))
            let jobID = try #require(answer.json["job_id"] as? String)
            _ = try await stack.finishedJob(jobID)
            let delivery = try #require(await stack.receiver.inbox.waitFor(count: 1, seconds: 10).first)
            #expect(delivery.signatureValid)
            // Same message id on every try, so the receiver can drop repeats.
            #expect(delivery.headers["webhook-id"] == "hb_\(jobID)_1")
            #expect(try await stack.callbackStatus(jobID, reaching: "delivered") == "delivered")
        }
    }

    @Test func eventCallbackURLWinsOverTheDefault() async throws {
        try await Stack.with { stack in
            let defaultURL = try #require(URL(string: stack.serviceURL))
            _ = defaultURL
            let answer = try await stack.postWebhook(Stack.event("evt-url", callbackURL: "http://127.0.0.1:9/unused"))
            let detail = try await stack.finishedJob(try #require(answer.json["job_id"] as? String))
            #expect((detail["job"] as? [String: Any])?["callback_url"] as? String == "http://127.0.0.1:9/unused")
        }
    }
}
