// DirectoryReconciliationTests: outages longer than Feishu's resend window healed, backfills resumed, nobody bound twice.

import FeishuSandbox
import Foundation
import HireBind
import HireBindCore
import HireBindTesting
import NIOHTTP1
import Synchronization
import Testing

@Suite struct DirectoryReconciliationTests {
    static func addPeople(_ stack: Stack, _ names: [String]) async throws -> [String] {
        var ids: [String] = []
        for name in names {
            ids.append(try #require(try await stack.sandboxCall("/sandbox/users", json: ["name": name]).json["open_id"] as? String))
        }
        return ids
    }

    static func waitUntilSettled(_ stack: Stack, count: Int) async throws -> [[String: Any]] {
        var jobs: [[String: Any]] = []
        for _ in 0..<300 {
            jobs = try await stack.admin("/v1/jobs?limit=1000").json["jobs"] as? [[String: Any]] ?? []
            if jobs.count >= count, jobs.allSatisfy({ $0["status"] as? String == "succeeded" }) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        return jobs
    }

    @Test func anOutageLongerThanTheResendWindowIsHealed() async throws {
        try await Stack.with { stack in
            // No subscription: the events of these changes are lost, as after a long outage.
            let ids = try await Self.addPeople(stack, ["张伟", "李娜", "王芳"])
            let reconciler = try stack.reconciler()
            let first = try await reconciler.reconcile()
            #expect(first.queued.count == 3)
            #expect(first.unbound == 0)
            let jobs = try await Self.waitUntilSettled(stack, count: 3)
            #expect(Set(jobs.compactMap { $0["employee_id"] as? String }) == Set(ids))
            #expect(await stack.sandbox.state.allBindings().count == 3)

            // A second pass finds everyone bound, and binds nobody twice.
            let second = try await reconciler.reconcile()
            #expect(second.queued.isEmpty)
            #expect(second.alreadyBound == 3)

            // Someone leaves while events are lost: the next pass unbinds them, once.
            _ = try await stack.sandboxCall("/sandbox/users/\(ids[1])", method: .DELETE)
            let third = try await reconciler.reconcile()
            #expect(third.unbound == 1)
            #expect(try await reconciler.reconcile().unbound == 0)
            for _ in 0..<200 where await stack.sandbox.state.allBindings().count != 2 {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(await stack.sandbox.state.allBindings().count == 2)
        }
    }

    @Test func aDirectoryEventAndAReconciliationBindThePersonOnce() async throws {
        try await Stack.with { stack in
            _ = try await stack.subscribeDirectoryEvents()
            let ids = try await Self.addPeople(stack, ["欧阳娜娜"])
            let summary = try await stack.reconciler().reconcile()
            #expect(summary.queued.count + summary.alreadyBound == 1)
            let jobs = try await Self.waitUntilSettled(stack, count: 1)
            #expect(jobs.filter { $0["employee_id"] as? String == ids[0] }.count == 1)
        }
    }

    @Test func aBackfillStoppedMidwayIsResumedWithoutDoubling() async throws {
        try await Stack.with { stack in
            _ = try await Self.addPeople(stack, (0..<30).map { "张\(["伟", "娜", "芳", "强", "敏"][$0 % 5])\($0)" })
            let reconciler = try stack.reconciler()
            let people = try await reconciler.people()
            #expect(people.count == 30)

            let plan = try await reconciler.bindMissing(people, dryRun: true)
            #expect(plan.queued.count == 30)
            #expect(Set(plan.queued.map { $0.address.lowercased() }).count == 30)
            #expect((try await stack.admin("/v1/jobs").json["jobs"] as? [Any])?.isEmpty == true, "a dry run writes nothing")

            // Ctrl-C after ten people.
            let seen = Mutex(0)
            let interrupted = Task {
                try await reconciler.bindMissing(people) { progress in
                    seen.withLock { $0 = progress.done }
                    if progress.done == 10 { withUnsafeCurrentTask { $0?.cancel() } }
                }
            }
            await #expect(throws: CancellationError.self) { _ = try await interrupted.value }
            #expect(seen.withLock { $0 } == 10)

            let resumed = try await reconciler.bindMissing(people)
            #expect(resumed.alreadyBound == 10)
            #expect(resumed.queued.count == 20)
            let jobs = try await Self.waitUntilSettled(stack, count: 30)
            #expect(jobs.count == 30)
            #expect(Set(jobs.compactMap { $0["exchange_account"] as? String }).count == 30)
        }
    }

    @Test func aFollowedBackfillEndsWhenEveryoneIsBound() async throws {
        try await Stack.with { stack in
            _ = try await Self.addPeople(stack, (0..<12).map { "王\(["伟", "娜", "芳"][$0 % 3])\($0)" })
            let reconciler = try stack.reconciler()
            let people = try await reconciler.people()
            let first = try await reconciler.bindMissing(Array(people.prefix(5)))
            // A rerun finds the five still waiting (or done) and follows those not final with the seven new.
            let summary = try await reconciler.bindMissing(people)
            #expect(summary.queued.count == 7)
            #expect(summary.alreadyBound == 5)
            #expect(summary.jobsToFollow.count >= 7 && summary.jobsToFollow.count <= 12)
            let reports = Mutex<[BackfillFollower.Progress]>([])
            let follower = BackfillFollower(store: stack.store, quotaPerMinute: 1000, pollInterval: .milliseconds(50))
            let everyone = Array(Set(first.jobsToFollow + summary.jobsToFollow))
            #expect(everyone.count == 12)
            let end = try await follower.follow(everyone) { progress in
                reports.withLock { $0.append(progress) }
            }
            #expect(end.succeeded == 12)
            #expect(end.failed == 0)
            #expect(end.secondsLeft == 0)
            let seen = reports.withLock { $0 }
            #expect(seen.map(\.done) == seen.map(\.done).sorted(), "progress never goes back")
            #expect(seen.allSatisfy { $0.total == 12 })
        }
    }
}
