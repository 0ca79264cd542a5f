// PostgresIntakeBatchTests: group commit on PostgreSQL: concurrent intakes of one replica share a statement and a
// commit, each answered for itself, and replicas' batches decide between them as separate transactions would.

import Foundation
import HireBindCore
import HireBindTesting
import Logging
import Synchronization
import Testing

@testable import JobStore

@Suite struct PostgresIntakeBatchTests {
    static let logger = Logger(label: "intake-batches")

    @Test func concurrentIntakesShareStatementsAndAreAnsweredOneByOne() async throws {
        let store = try await PostgresJobStore.start(try await PostgresFixture.freshDatabase(), logger: Self.logger)
        let observed = Mutex<[StoreCommit]>([])
        store.observeCommits { commit in observed.withLock { $0.append(commit) } }
        try await ContestedIntakes.check(store)
        let statistics = store.intakes.statistics
        #expect(statistics.writes == 250)
        #expect(statistics.commits < statistics.writes, "\(statistics.commits) statements for \(statistics.writes) intakes")
        // Whoever watches the store's commits is told of each statement, with the intakes it carried.
        let commits = observed.withLock { $0 }
        #expect(commits.count == statistics.commits)
        #expect(commits.map(\.writes).reduce(0, +) == 250)
        #expect(commits.allSatisfy { !$0.failed && $0.duration > .zero })
    }

    /// Three replicas take the same contested events at once: their batches cross on people, events and one
    /// address, and still one job per event, one holder per address.
    @Test(.timeLimit(.minutes(2))) func replicasBatchesDecideAsSeparateTransactions() async throws {
        let database = try await PostgresFixture.freshDatabase()
        var replicas: [PostgresJobStore] = []
        for _ in 0..<3 { replicas.append(try await PostgresJobStore.start(database, logger: Self.logger)) }
        let jobs = ContestedIntakes.jobs()
        let outcomes = try await withThrowingTaskGroup(of: EnqueueOutcome.self) { group in
            for (index, job) in jobs.enumerated() {
                for offset in 0..<2 {
                    let replica = replicas[(index + offset) % replicas.count]
                    group.addTask { try await replica.enqueueBind(job) }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let (created, duplicates, taken) = ContestedIntakes.tally(outcomes)
        #expect(created.count == 101)
        #expect(created.values.allSatisfy { $0 == 1 })
        // Each own event reached the replicas 4 times (1 job, 3 duplicates); the shared address's winner twice (1
        // job, 1 duplicate); each of its 49 losers twice, refused both times.
        #expect(duplicates == 301)
        #expect(taken == 98)
        let stored = try await replicas[0].jobs(status: .queued, limit: 1000)
        #expect(stored.count == 101)
        #expect(Set(stored.map(\.eventID)).count == 101)
    }

    /// An intake the server refuses (a NUL character, which PostgreSQL's text cannot hold) fails alone; the others
    /// of its batch are stored.
    @Test func anIntakeTheServerRefusesFailsAlone() async throws {
        let store = try await PostgresJobStore.start(try await PostgresFixture.freshDatabase(), logger: Self.logger)
        var jobs = (0..<30).map { StoreContractTests.job("fine-\($0)", address: "fine\($0)@example.com") }
        var poisoned = StoreContractTests.job("poisoned", address: "poisoned@example.com")
        poisoned.personName = "Wei\u{0}Zhang"
        jobs.insert(poisoned, at: 15)
        let results = await withTaskGroup(of: (String, Bool).self) { group in
            for job in jobs { group.addTask { (job.eventID, (try? await store.enqueueBind(job)) != nil) } }
            return await group.reduce(into: [String: Bool]()) { $0[$1.0] = $1.1 }
        }
        #expect(results["poisoned"] == false)
        #expect(results.filter { $0.value }.count == 30)
        let stored = try await store.jobs(status: nil, limit: 100)
        #expect(Set(stored.map(\.eventID)) == Set(jobs.map(\.eventID)).subtracting(["poisoned"]))
    }
}
