// ReliabilityTests: dead jobs and callbacks, lease renewal, graceful shutdown: nothing lost, nothing doubled.

import AsyncHTTPClient
import DryRun
import FeishuSandbox
import Foundation
import GRDB
import HireBindCore
import HireBindTesting
import NIOHTTP1
import Secrets
import ServiceLifecycle
import Testing

@testable import HireBind
@testable import JobStore

/// Dead jobs and callbacks, lease renewal, graceful shutdown: nothing lost, nothing doubled.
@Suite struct ReliabilityTests {
    @Test func deadJobIsListedAndRetriedByHand() async throws {
        try await Stack.with(.init { $0.maxAttempts = 2 }) { stack in
            await stack.sandbox.state.inject(Array(repeating: .error(httpStatus: 500, code: 190003, msg: "internal service error"), count: 2))
            let answer = try await stack.postWebhook(Stack.event("evt-revive"))
            let jobID = try #require(answer.json["job_id"] as? String)
            let dead = try await stack.finishedJob(jobID)
            #expect((dead["job"] as? [String: Any])?["status"] as? String == "dead")
            let listed = try await stack.admin("/v1/jobs?status=dead")
            #expect(((listed.json["jobs"] as? [[String: Any]])?.first)?["id"] as? String == jobID)

            var retry = HTTPClientRequestBuilder.post(stack.adminURL + "/v1/jobs/\(jobID)/retry", token: Stack.adminToken)
            let requeued = try await stack.send(retry.build())
            #expect(requeued.status == 202)
            let revived = try await stack.finishedJob(jobID)
            #expect((revived["job"] as? [String: Any])?["status"] as? String == "succeeded")
            // Its whole history is kept: two failed attempts, then the success.
            #expect((revived["attempts"] as? [[String: Any]])?.map { $0["outcome"] as? String } == ["retry", "failed", "succeeded"])
            // The HR system hears both outcomes, each as its own message.
            let deliveries = await stack.receiver.inbox.waitFor(count: 2, seconds: 10)
            #expect(deliveries.map { $0.headers["webhook-id"] } == ["hb_\(jobID)_1", "hb_\(jobID)_2"])
            retry = HTTPClientRequestBuilder.post(stack.adminURL + "/v1/jobs/\(jobID)/retry", token: Stack.adminToken)
            #expect(try await stack.send(retry.build()).status == 409)
        }
    }

    @Test func goneReceiverMakesTheCallbackDeadUntilRetried() async throws {
        try await Stack.with(.init { $0.receiverFailFirst = [410] }) { stack in
            let answer = try await stack.postWebhook(Stack.event("evt-gone-cb"))
            let jobID = try #require(answer.json["job_id"] as? String)
            _ = try await stack.finishedJob(jobID)
            var dead: [[String: Any]] = []
            for _ in 0..<100 where dead.isEmpty {
                dead = try await stack.admin("/v1/callbacks?status=dead").json["callbacks"] as? [[String: Any]] ?? []
                try await Task.sleep(for: .milliseconds(50))
            }
            let callback = try #require(dead.first)
            #expect(callback["job_id"] as? String == jobID)
            #expect((callback["last_error"] as? String)?.contains("410") == true)
            #expect(await stack.receiver.inbox.all().isEmpty)
            let id = try #require(callback["id"] as? Int)
            let retry = HTTPClientRequestBuilder.post(stack.adminURL + "/v1/callbacks/\(id)/retry", token: Stack.adminToken)
            #expect(try await stack.send(retry.build()).status == 202)
            let delivered = await stack.receiver.inbox.waitFor(count: 1, seconds: 10)
            #expect(delivered.count == 1)
        }
    }

    @Test func callbackGivesUpAfterItsMaximumAge() async throws {
        try await Stack.with(
            .init {
                $0.callbackMaxAgeHours = 0.3 / 3600; $0.receiverFailFirst = Array(repeating: 503, count: 100)
            }
        ) { stack in
            let answer = try await stack.postWebhook(Stack.event("evt-old-cb"))
            _ = try await stack.finishedJob(try #require(answer.json["job_id"] as? String))
            var dead: [[String: Any]] = []
            for _ in 0..<100 where dead.isEmpty {
                dead = try await stack.admin("/v1/callbacks?status=dead").json["callbacks"] as? [[String: Any]] ?? []
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect((dead.first?["last_error"] as? String)?.contains("retried for") == true)
        }
    }

    @Test func slowCallKeepsItsLeaseAndIsNotDoubled() async throws {
        // The lease is shorter than the call: without renewal the second worker would take the job over and call again.
        // A renewal every second leaves 2 s of slack (with 0.8 s, the full suite's load, PostgreSQL servers included,
        // once delayed a renewal past the lease); the Feishu timeout is far above the call (with the stack's 2 s, a
        // loaded machine timed the call out and the retry reconciled it).
        try await Stack.with(
            .init {
                $0.worker = WorkerSettings(concurrency: 2, leaseSeconds: 3, pollSeconds: 0.05)
                $0.feishuTimeoutSeconds = 15
            }
        ) { stack in
            await stack.sandbox.state.inject([.delay(seconds: 4)])
            let answer = try await stack.postWebhook(Stack.event("evt-slow"))
            let detail = try await stack.finishedJob(try #require(answer.json["job_id"] as? String))
            #expect((detail["job"] as? [String: Any])?["status"] as? String == "succeeded")
            #expect(await stack.sandbox.state.receivedRequests().count == 1)
            #expect((detail["attempts"] as? [Any])?.count == 1)
        }
    }

    @Test func shutdownTurnsWebhooksAwayAndFinishesTheJobInHand() async throws {
        // The Feishu timeout far above the 1-s call: under the full suite's load the call took over the stack's 2 s,
        // timed out, and the retry came after the shutdown.
        try await Stack.with(.init { $0.feishuTimeoutSeconds = 10 }) { stack in
            await stack.sandbox.state.inject([.delay(seconds: 1.0)])
            let answer = try await stack.postWebhook(Stack.event("evt-drain"))
            let jobID = try #require(answer.json["job_id"] as? String)
            // Wait until the worker's call is in flight, then begin the shutdown.
            for _ in 0..<100 where await stack.sandbox.state.receivedRequests().isEmpty {
                try await Task.sleep(for: .milliseconds(10))
            }
            await stack.group.triggerGracefulShutdown()
            // The drain signal is the first service told to stop: wait until it has (a loaded machine may take a while).
            #expect(try await stack.readiness(503).errorCode == "shutting_down")
            let refused = try await stack.postWebhook(Stack.event("evt-late"))
            #expect(refused.status == 503)
            #expect(refused.errorCode == "shutting_down")
            #expect(refused.headers.first(name: "Retry-After") == "30")
            // The job in hand was finished before the workers stopped.
            for _ in 0..<500 where try await stack.store.job(id: jobID)?.status != .succeeded {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(try await stack.store.job(id: jobID)?.status == .succeeded)
            #expect(try await stack.store.receipt(source: "workday", eventID: "evt-late") == nil)
        }
    }

    /// Events committed together fail together: when the disk is full (SQLite may not grow the file by a page,
    /// as on a full disk) every event of a failed batch is answered 503, and none answered 2xx is missing. The
    /// same for an HR webhook (202 when stored) and a Feishu directory event (200 when stored).
    @Test(arguments: ["workday", "feishu"])
    func aFullDiskAnswers503AndNo2xxForWhatIsNotStored(source: String) async throws {
        try await Stack.with { stack in
            @Sendable func post(_ id: String) async throws -> Stack.Answer {
                guard source == "feishu" else { return try await stack.postWebhook(Stack.event(id, userID: "ou_\(id)")) }
                var person = FeishuEventTests.person
                person["object"] = ["open_id": "ou_\(id)", "name": "张伟", "email": "\(id)@example.com"]
                return try await stack.postFeishuEvent(Stack.feishuEvent("contact.user.created_v3", eventID: id, event: person))
            }
            let storedStatus = source == "feishu" ? 200 : 202
            try await stack.sqlite.pool.writeWithoutTransaction { db in
                let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
                try db.execute(sql: "PRAGMA max_page_count = \(pages)")
            }
            let ids = (0..<120).map { "evt-full-\($0)" }
            typealias Answered = (status: Int, code: String?, retryAfter: String?)
            let answers = try await withThrowingTaskGroup(of: (String, Answered).self) { group in
                for id in ids {
                    group.addTask {
                        let answer = try await post(id)
                        return (id, (answer.status, answer.errorCode, answer.headers.first(name: "Retry-After")))
                    }
                }
                return try await group.reduce(into: [String: Answered]()) { $0[$1.0] = $1.1 }
            }
            try await stack.sqlite.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = 1073741823") }
            let refused = ids.filter { answers[$0]?.status == 503 }
            #expect(!refused.isEmpty, "the store filled up before the last event")
            for id in refused {
                #expect(answers[id]?.code == "store_unavailable")
                #expect(answers[id]?.retryAfter == "5")
            }
            #expect(ids.allSatisfy { [storedStatus, 503].contains(answers[$0]?.status) }, "an answer other than \(storedStatus) or 503")
            for id in ids {
                let stored = try await stack.store.receipt(source: source, eventID: id)
                if answers[id]?.status == storedStatus {
                    #expect(stored != nil, "\(id) was answered \(storedStatus) but is not stored")
                } else {
                    #expect(stored == nil, "\(id) was answered 503 but is stored")
                }
            }
            // Space again: what was refused is sent again and accepted.
            for id in refused {
                #expect(try await post(id).status == storedStatus)
            }
        }
    }

    @Test func retryAfterHeaderIsRead() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(CallbackDeliverer.retryAfterSeconds("120", now: now) == 120)
        #expect(CallbackDeliverer.retryAfterSeconds("999999", now: now) == 86_400)
        let date = "Tue, 14 Nov 2023 22:15:20 GMT"  // 1_700_000_120
        #expect(CallbackDeliverer.retryAfterSeconds(date, now: now) == 120)
        #expect(CallbackDeliverer.retryAfterSeconds("soon", now: now) == nil)
    }

    @Test func defaultRetryScheduleSpansDays() {
        let feishu = FeishuSettings(adminAccount: "a@example.com", userAccessToken: .environment("T"))
        let span = feishu.retry.totalDelay(retries: feishu.maxAttempts - 1)
        #expect(span.lowerBound >= 86_400, "a Feishu outage of an afternoon must not kill jobs")
        #expect(CallbackSettings().maxAgeHours == 72)
    }
}

/// Small helper for admin POSTs.
struct HTTPClientRequestBuilder {
    var url: String
    var token: String

    static func post(_ url: String, token: String) -> HTTPClientRequestBuilder {
        HTTPClientRequestBuilder(url: url, token: token)
    }

    func build() -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        return request
    }
}

@Suite struct ReconciliationTests {
    @Test func lostResponseIsReconciledWithoutASecondCreate() async throws {
        try await Stack.with(.init { $0.feishuTimeoutSeconds = 2 }) { stack in
            // The binding is made, but its answer comes after the client's 2 s timeout.
            await stack.sandbox.state.inject([.lostResponse(seconds: 3)])
            let answer = try await stack.postWebhook(Stack.event("evt-lost"))
            let detail = try await stack.finishedJob(try #require(answer.json["job_id"] as? String))
            let job = try #require(detail["job"] as? [String: Any])
            #expect(job["status"] as? String == "succeeded")
            let bindings = await stack.sandbox.state.allBindings()
            #expect(bindings.count == 1)
            #expect(bindings.first?.createCalls == 1, "the worker must look the binding up, not create it twice")
            #expect(job["exchange_binding_id"] as? String == bindings.first?.id)
            let methods = await stack.sandbox.state.receivedRequests().map(\.method)
            #expect(methods == ["POST", "GET"])
            #expect((detail["attempts"] as? [[String: Any]])?.compactMap { ($0["failure"] as? [String: Any])?["code"] as? String } == ["timeout"])
        }
    }

    @Test func rejectedCredentialsMakeJobsWaitAndReadinessDegraded() async throws {
        // A waiting job looks again after min(30 s, the backoff's ceiling): 5 s here, so that a loaded machine cannot
        // re-lease it before the assertions read it.
        try await Stack.with(
            .init {
                $0.maxAttempts = 1; $0.retry = RetryPolicy(baseSeconds: 0.05, maxSeconds: 5)
            }
        ) { stack in
            await stack.sandbox.state.inject([.error(httpStatus: 401, code: 99991677, msg: "user access token expired")])
            let answer = try await stack.postWebhook(Stack.event("evt-token"))
            let jobID = try #require(answer.json["job_id"] as? String)
            let ready = try await stack.readiness(200, not: true)
            #expect(ready.status == 503)
            #expect(ready.errorCode == "feishu_credentials")
            #expect(ready.errorMessage?.contains("hirebind feishu login") == true)
            // The job waits: not failed, not dead, its attempt budget untouched, no callback sent.
            let job = try #require(try await stack.store.job(id: jobID))
            #expect(job.status == .queued)
            #expect(job.attempts == 0)
            #expect(job.lastError?.code == "user_token_refused")
            #expect(await stack.receiver.inbox.all().isEmpty)
        }
    }

    @Test func rateLimitAnswerWaitsForTheResetAndDoesNotCount() async throws {
        try await Stack.with(.init { $0.maxAttempts = 1 }) { stack in
            await stack.sandbox.state.inject([.error(httpStatus: 429, code: 99991400, msg: "request trigger frequency limit")])
            let answer = try await stack.postWebhook(Stack.event("evt-429"))
            let detail = try await stack.finishedJob(try #require(answer.json["job_id"] as? String))
            // With one attempt allowed, the job still succeeds: the rate limit was not a failed attempt.
            #expect((detail["job"] as? [String: Any])?["status"] as? String == "succeeded")
        }
    }
}
