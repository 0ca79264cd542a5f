// PostgresIntakeBatchTests: group commit on PostgreSQL: concurrent intakes of one replica share a statement and a
// commit, each answered for itself, and replicas' batches decide between them as separate transactions would.

import Foundation
import HireBindCore
import HireBindTesting
import Logging
import Testing

@testable import JobStore

@Suite struct PostgresIntakeBatchTests {
    static let logger = Logger(label: "intake-batches")

    /// 100 people with their own addresses, each event sent twice at once, and 50 people wanting one address.
    static func contested(prefix: String = "") -> [NewBindJob] {
        var jobs: [NewBindJob] = []
        for i in 0..<100 {
            let job = StoreContractTests.job("\(prefix)own-\(i)", address: "\(prefix)person\(i)@example.com")
            jobs += [job, job]
        }
        for i in 0..<50 { jobs.append(StoreContractTests.job("\(prefix)shared-\(i)", address: "\(prefix)shared@example.com")) }
        return jobs.shuffled()
    }

    static func tally(_ outcomes: [EnqueueOutcome]) -> (created: [String: Int], duplicates: Int, taken: Int) {
        var created: [String: Int] = [:]
        var duplicates = 0
        var taken = 0
        for outcome in outcomes {
            switch outcome {
            case .created(let receipt): created[receipt.exchangeAccount.lowercased(), default: 0] += 1
            case .duplicate: duplicates += 1
            case .addressTaken: taken += 1
            }
        }
        return (created, duplicates, taken)
    }

    @Test func concurrentIntakesShareStatementsAndAreAnsweredOneByOne() async throws {
        let store = try await PostgresJobStore.start(try await PostgresFixture.freshDatabase(), logger: Self.logger)
        let jobs = Self.contested()
        let outcomes = try await withThrowingTaskGroup(of: EnqueueOutcome.self) { group in
            for job in jobs { group.addTask { try await store.enqueueBind(job) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let (created, duplicates, taken) = Self.tally(outcomes)
        #expect(created.count == 101, "each of the 100 people once, and one of the 50 who wanted the shared address")
        #expect(created.values.allSatisfy { $0 == 1 })
        #expect(duplicates == 100)
        #expect(taken == 49)
        let stored = try await store.jobs(status: .queued, limit: 1000)
        #expect(stored.count == 101)
        #expect(Set(stored.map { $0.exchangeAccount.lowercased() }).count == 101)
        let statistics = store.intakes.statistics
        #expect(statistics.writes == 250)
        #expect(statistics.commits < statistics.writes, "\(statistics.commits) statements for \(statistics.writes) intakes")
    }

    /// Three replicas take the same contested events at once: their batches cross on people, events and one
    /// address, and still one job per event, one holder per address.
    @Test(.timeLimit(.minutes(2))) func replicasBatchesDecideAsSeparateTransactions() async throws {
        let database = try await PostgresFixture.freshDatabase()
        var replicas: [PostgresJobStore] = []
        for _ in 0..<3 { replicas.append(try await PostgresJobStore.start(database, logger: Self.logger)) }
        let jobs = Self.contested()
        let outcomes = try await withThrowingTaskGroup(of: EnqueueOutcome.self) { group in
            for (index, job) in jobs.enumerated() {
                for offset in 0..<2 {
                    let replica = replicas[(index + offset) % replicas.count]
                    group.addTask { try await replica.enqueueBind(job) }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let (created, duplicates, taken) = Self.tally(outcomes)
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
