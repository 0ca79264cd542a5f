// FeishuLifecycleTests: around the bind call: sync follow-up, user id lookup, offboarding, bursts.

import DryRun
import FeishuSandbox
import Foundation
import HireBind
import HireBindCore
import HireBindTesting
import JobStore
import Secrets
import Testing

/// What happens around the bind call: the sync follow-up and its second callback, user id lookup,
/// offboarding, and the rate limit under a burst.
@Suite struct FeishuLifecycleTests {
    static let followSync = SyncSettings(follow: true, firstPollSeconds: 0.2, maxPollSeconds: 0.4, deadlineHours: 1)

    func results(_ stack: Stack, count: Int) async throws -> [[String: Any]] {
        // Generous: under the full suite's load (PostgreSQL servers beside it) 15 s once was not enough.
        let deliveries = await stack.receiver.inbox.waitFor(count: count, seconds: 40)
        return try deliveries.map { try #require(try JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any]) }
    }

    @Test func syncIsFollowedUntilDoneAndReportedInASecondCallback() async throws {
        try await Stack.with(
            .init {
                $0.sync = Self.followSync; $0.sandboxSettings = { $0.syncSeconds = 1 }
            }
        ) { stack in
            let answer = try await stack.postWebhook(Stack.event("evt-sync"))
            let jobID = try #require(answer.json["job_id"] as? String)
            let results = try await results(stack, count: 2)
            try #require(results.count == 2)
            #expect(results[0]["status"] as? String == "bound")
            #expect(results[0]["final"] as? Bool == false)
            #expect(results[0]["sync_status"] as? String == "doing")
            #expect(results[1]["status"] as? String == "synced")
            #expect(results[1]["final"] as? Bool == true)
            #expect(results[1]["sync_status"] as? String == "done")
            #expect(results[1]["error"] == nil)
            let job = try #require(try await stack.store.job(id: jobID))
            #expect(job.syncStatus == "done")
            #expect(!job.followingSync)
            // Polled with GET between the two results (once, when a loaded machine delays the first look past the sync's end).
            let gets = await stack.sandbox.state.receivedRequests().filter { $0.method == "GET" }
            #expect(gets.count >= 1)
        }
    }

    @Test func failedSyncIsReportedWithAHint() async throws {
        try await Stack.with(
            .init {
                $0.sync = Self.followSync;
                $0.sandboxSettings = {
                    $0.syncSeconds = 0.5; $0.syncFailingAccounts = ["wei.zhang@example.com"]
                }
            }
        ) { stack in
            _ = try await stack.postWebhook(Stack.event("evt-sync-err"))
            let results = try await results(stack, count: 2)
            try #require(results.count == 2)
            #expect(results[1]["sync_status"] as? String == "err")
            let error = try #require(results[1]["error"] as? [String: Any])
            #expect(error["code"] as? String == "sync_err")
            #expect((error["hint"] as? String)?.isEmpty == false)
        }
    }

    @Test func syncFollowUpGivesUpAtItsDeadline() async throws {
        let shortDeadline = SyncSettings(follow: true, firstPollSeconds: 0.2, maxPollSeconds: 0.3, deadlineHours: 1.0 / 3600)
        try await Stack.with(
            .init {
                $0.sync = shortDeadline; $0.sandboxSettings = { $0.syncSeconds = 3600 }
            }
        ) { stack in
            _ = try await stack.postWebhook(Stack.event("evt-sync-slow"))
            let results = try await results(stack, count: 2)
            try #require(results.count == 2)
            #expect(results[1]["status"] as? String == "synced")
            #expect((results[1]["error"] as? [String: Any])?["code"] as? String == "sync_timeout")
        }
    }

    @Test(arguments: [("email", "na.li@example.com", "ou_sandbox_li_na"), ("mobile", "+8613800000002", "ou_sandbox_wang_fang")])
    func userIDIsLookedUpWhenTheEventHasNone(field: String, value: String, expected: String) async throws {
        try await Stack.with { stack in
            let event = Stack.event("evt-lookup-\(field)", userID: nil, extra: [field: value])
            let answer = try await stack.postWebhook(event)
            #expect(answer.status == 202)
            let detail = try await stack.finishedJob(try #require(answer.json["job_id"] as? String))
            let job = try #require(detail["job"] as? [String: Any])
            #expect(job["status"] as? String == "succeeded")
            #expect(job["feishu_user_id"] as? String == expected)
            let binding = try #require(await stack.sandbox.state.allBindings().first)
            #expect(binding.userID == expected)
            let result = try #require(try await results(stack, count: 1).first)
            #expect(result["feishu_user_id"] as? String == expected)
            // The tenant token was fetched once and used for the lookup.
            let lookup = try #require(await stack.sandbox.state.receivedRequests().first { $0.path == FeishuSandbox.batchGetIDPath })
            #expect(lookup.header("authorization")?.hasPrefix("Bearer t-sandbox-") == true)
        }
    }

    @Test func unknownPersonIsAPermanentFailureWithAHint() async throws {
        try await Stack.with { stack in
            let event = Stack.event("evt-lookup-unknown", userID: nil, extra: ["email": "nobody@example.com"])
            let answer = try await stack.postWebhook(event)
            let detail = try await stack.finishedJob(try #require(answer.json["job_id"] as? String))
            #expect((detail["job"] as? [String: Any])?["status"] as? String == "failed")
            let result = try #require(try await results(stack, count: 1).first)
            let error = try #require(result["error"] as? [String: Any])
            #expect(error["code"] as? String == "user_not_found")
            #expect((error["message"] as? String)?.contains("nobody@example.com") == true)
            #expect(await stack.sandbox.state.allBindings().isEmpty)
        }
    }

    @Test func terminationRemovesTheBindingIdempotentlyAndKeepsTheAddress() async throws {
        try await Stack.with { stack in
            let hired = try await stack.postWebhook(Stack.event("evt-hire"))
            let bindJob = try await stack.finishedJob(try #require(hired.json["job_id"] as? String))
            #expect((bindJob["job"] as? [String: Any])?["status"] as? String == "succeeded")
            #expect(await stack.sandbox.state.allBindings().count == 1)

            for (index, eventID) in ["evt-leave", "evt-leave-again"].enumerated() {
                let left = try await stack.postWebhook(Stack.termination(eventID, employeeID: "E-evt-hire"))
                #expect(left.status == 202)
                #expect(left.json["exchange_account"] as? String == "wei.zhang@example.com")
                let unbind = try await stack.finishedJob(try #require(left.json["job_id"] as? String))
                let job = try #require(unbind["job"] as? [String: Any])
                #expect(job["status"] as? String == "succeeded")
                #expect(job["kind"] as? String == "unbind")
                let result = try #require(try await results(stack, count: 2 + index).last)
                #expect(result["status"] as? String == "unbound")
                #expect(result["exchange_account"] as? String == "wei.zhang@example.com")
            }
            #expect(await stack.sandbox.state.allBindings().isEmpty)
            let deletes = await stack.sandbox.state.receivedRequests().filter { $0.method == "DELETE" }
            #expect(deletes.count == 2)

            // The address stays reserved: the next 张伟 gets another one.
            let next = try await stack.postWebhook(Stack.event("evt-hire-2"))
            #expect(next.json["exchange_account"] as? String == "wei.zhang2@example.com")
        }
    }

    @Test func lostDeleteAnswerStillEndsUnbound() async throws {
        try await Stack.with(.init { $0.feishuTimeoutSeconds = 2 }) { stack in
            let hired = try await stack.postWebhook(Stack.event("evt-hire-lost"))
            _ = try await stack.finishedJob(try #require(hired.json["job_id"] as? String))
            // The binding is deleted, but the answer comes after the client's 2-s timeout: the retry meets 195103.
            await stack.sandbox.state.inject([.lostResponse(seconds: 3)])
            let left = try await stack.postWebhook(Stack.termination("evt-leave-lost", employeeID: "E-evt-hire-lost"))
            let unbind = try await stack.finishedJob(try #require(left.json["job_id"] as? String), seconds: 20)
            #expect((unbind["job"] as? [String: Any])?["status"] as? String == "succeeded")
            #expect((unbind["attempts"] as? [[String: Any]])?.count == 2)
            #expect(await stack.sandbox.state.allBindings().isEmpty)
        }
    }

    @Test func terminationOfAnUnknownEmployeeIs422() async throws {
        try await Stack.with { stack in
            let answer = try await stack.postWebhook(Stack.termination("evt-leave-unknown", employeeID: "E-nobody"))
            #expect(answer.status == 422)
            #expect(answer.errorCode == "unknown_employee")
        }
    }

    @Test func burstOf200JobsSeesNo429() async throws {
        let worker = WorkerSettings(concurrency: 16, leaseSeconds: 30, pollSeconds: 0.1)
        try await Stack.with(.init { $0.worker = worker }) { stack in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        try await stack.postWebhook(Stack.event("evt-burst-\(index)", given: "Person\(index)", family: "Burst")).status
                    }
                }
                for try await status in group { #expect(status == 202) }
            }
            let deadline = Date().addingTimeInterval(60)
            while await stack.sandbox.state.allBindings().count < 200, Date() < deadline {
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(await stack.sandbox.state.allBindings().count == 200)
            #expect(await stack.sandbox.state.rateLimitedCalls == 0)
            // However the windows are aligned, none holds more than 50 calls a second.
            let times = await stack.sandbox.state.admittedCallTimes()
            var start = 0
            for end in times.indices {
                while times[end].timeIntervalSince(times[start]) >= 1 { start += 1 }
                #expect(end - start + 1 <= 50)
            }
        }
    }
}
