// PostgresReplicaTests: what only an engine shared by several processes must do: several stores (connection
// pools, as replicas have) on one real PostgreSQL database.

import Foundation
import HireBindCore
import HireBindTesting
import JobStore
import Logging
import Synchronization
import Testing

@Suite struct PostgresReplicaTests {
    static let logger = Logger(label: "replicas")

    /// Replicas that start together on an empty database: one applies the schema, the others wait for its lock
    /// and find it done.
    @Test func replicasStartingTogetherMigrateOnce() async throws {
        let database = try await PostgresFixture.freshDatabase()
        let stores = try await withThrowingTaskGroup(of: PostgresJobStore.self) { group in
            for _ in 0..<3 { group.addTask { try await PostgresJobStore.start(database, logger: Self.logger) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for store in stores {
            #expect(try await store.schemaVersions().allSatisfy { $0.applied && !$0.unknownToThisBuild })
        }
    }

    /// Two replicas leasing at once from one queue never get the same job.
    @Test func twoReplicasNeverLeaseTheSameJob() async throws {
        let database = try await PostgresFixture.freshDatabase()
        let first = try await PostgresJobStore.start(database, logger: Self.logger)
        let second = try await PostgresJobStore.start(database, logger: Self.logger)
        let now = Date()
        for index in 0..<60 {
            _ = try await first.enqueueBind(
                NewBindJob(
                    source: "hr", eventID: "e\(index)", employeeID: "E\(index)", feishuUserID: "ou_\(index)",
                    exchangeAccount: "p\(index)@example.com", adminAccount: "admin@example.com", userIDType: "open_id", callbackURL: nil,
                    namingTrace: nil, receivedAt: now))
        }
        let leased = try await withThrowingTaskGroup(of: [String].self) { group in
            for store in [first, second, first, second] {
                group.addTask {
                    var ids: [String] = []
                    while let lease = try await store.leaseJob(for: 60, now: now) { ids.append(lease.job.id) }
                    return ids
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(leased.count == 60)
        #expect(Set(leased).count == 60)
    }

    /// A limit counted from answers waits for a call in flight; one counted from starts (a pace) does not, and
    /// keeps the caller a slot ahead.
    @Test func aPaceCountsStartsAndAFeishuLimitAnswers() async throws {
        let store = try await PostgresJobStore.start(try await PostgresFixture.freshDatabase(), logger: Self.logger)
        let pace = [CallWindowLimit(limit: 2, seconds: 0.5, countsStarts: true)]
        let feishu = [CallWindowLimit(limit: 2, seconds: 0.5)]
        let now = Date()
        for limits in [pace, feishu] {
            for _ in 0..<2 {
                guard case .booked = try await store.bookCall(method: "m\(limits[0].countsStarts)", limits: limits, now: now) else {
                    Issue.record("the first two calls go at once")
                    return
                }
            }
        }
        // Neither call has answered. The pace keeps the third call the slot half a second after the first
        // started; Feishu's limit counts the calls in flight as answering now: try again in half a second.
        let later = now.addingTimeInterval(0.3)
        guard case .booked(_, let startsAt) = try await store.bookCall(method: "mtrue", limits: pace, now: later),
            case .wait(let answered) = try await store.bookCall(method: "mfalse", limits: feishu, now: later)
        else {
            Issue.record("the pace books ahead, Feishu's limit waits")
            return
        }
        #expect(abs(startsAt.timeIntervalSince(now) - 0.5) < 0.01)
        #expect(abs(answered - 0.5) < 0.01)
        // The fourth call's slot is the second's, half a second on; the fifth is two windows ahead.
        guard case .booked(_, let fourth) = try await store.bookCall(method: "mtrue", limits: pace, now: later),
            case .booked(_, let fifth) = try await store.bookCall(method: "mtrue", limits: pace, now: later)
        else {
            Issue.record("slots within the horizon are kept")
            return
        }
        #expect(abs(fourth.timeIntervalSince(now) - 0.5) < 0.01)
        #expect(abs(fifth.timeIntervalSince(now) - 1.0) < 0.01)
    }

    /// A job one replica takes in wakes another that listens, without waiting for its poll.
    @Test(.timeLimit(.minutes(1))) func newWorkIsAnnouncedToOtherReplicas() async throws {
        let database = try await PostgresFixture.freshDatabase()
        let writer = try await PostgresJobStore.start(database, logger: Self.logger)
        let listener = try await PostgresJobStore.start(database, logger: Self.logger)
        let heard = Mutex<[QueuedWork]>([])
        let listening = Task { try await listener.listenForWork { work in heard.withLock { $0.append(work) } } }
        defer { listening.cancel() }
        // LISTEN is in place once the listener's connection has said so; give it a moment, then write.
        try await Task.sleep(for: .milliseconds(300))
        _ = try await writer.enqueueBind(
            NewBindJob(
                source: "hr", eventID: "e1", employeeID: "E1", feishuUserID: "ou_1", exchangeAccount: "p1@example.com",
                adminAccount: "admin@example.com", userIDType: "open_id", callbackURL: nil, namingTrace: nil, receivedAt: Date()))
        for _ in 0..<100 where heard.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(50)) }
        #expect(heard.withLock { $0 } == [.jobs])
    }
}

@Suite struct PostgresRestartTests {
    /// The server dies (every process SIGKILLed) while callers are mid-transaction, and comes back: every call
    /// in flight fails or completes, none hangs, and the store works again.
    @Test(.timeLimit(.minutes(1))) func callsInFlightWhenTheServerDiesFailAndTheStoreRecovers() async throws {
        let server = try await PostgresFixture.privateServer()
        let store = try await PostgresJobStore.start(server.location, maximumConnections: 6, logger: Logger(label: "restart"))
        let stop = ContinuousClock.now + .seconds(4)
        let outcomes = try await withThrowingTaskGroup(of: (done: Int, failed: Int).self) { group in
            for caller in 0..<8 {
                group.addTask {
                    var done = 0, failed = 0, index = 0
                    while ContinuousClock.now < stop {
                        index += 1
                        do {
                            _ = try await store.enqueueBind(
                                NewBindJob(
                                    source: "hr", eventID: "c\(caller)-\(index)", employeeID: "E\(caller)-\(index)", feishuUserID: "ou",
                                    exchangeAccount: "p\(caller)-\(index)@example.com", adminAccount: "a@example.com", userIDType: "open_id",
                                    callbackURL: nil, receivedAt: Date()))
                            if case .booked(let id, _) = try await store.bookCall(
                                method: "create", limits: [CallWindowLimit(limit: 1000, seconds: 1)], now: Date())
                            {
                                try await store.callAnswered(id: id, now: Date())
                            }
                            done += 1
                        } catch {
                            failed += 1
                            try await Task.sleep(for: .milliseconds(50))
                        }
                    }
                    return (done, failed)
                }
            }
            try await Task.sleep(for: .seconds(1))
            try await server.kill()
            try await Task.sleep(for: .milliseconds(500))
            try await server.restart()
            return try await group.reduce(into: [(done: Int, failed: Int)]()) { $0.append($1) }
        }
        #expect(outcomes.count == 8)
        #expect(outcomes.map(\.failed).reduce(0, +) > 0)
        // Back to work: a write after the restart succeeds.
        let after = try await store.enqueueBind(
            NewBindJob(
                source: "hr", eventID: "after", employeeID: "E-after", feishuUserID: "ou", exchangeAccount: "after@example.com",
                adminAccount: "a@example.com", userIDType: "open_id", callbackURL: nil, receivedAt: Date()))
        guard case .created = after else { Issue.record("after the restart: \(after)"); return }
    }
}
