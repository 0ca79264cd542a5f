// SQLiteJobStoreTests: what only the SQLite engine promises: a file that survives reopening, private to its user.

import Foundation
import GRDB
import HireBindCore
import Secrets
import Synchronization
import Testing

@testable import JobStore

@Suite struct SQLiteJobStoreTests {
    @Test func storeSurvivesReopening() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hirebind-reopen-\(UUID().uuidString)")
        let path = folder.appendingPathComponent("jobs.sqlite").path
        let receipt: JobReceipt
        do {
            let first = try SQLiteJobStore(path: path)
            guard case .created(let created) = try await first.enqueueBind(StoreContractTests.job("e1")) else {
                Issue.record("expected a new job")
                return
            }
            receipt = created
        }
        let reopened = try SQLiteJobStore(path: path)
        #expect(try await reopened.job(id: receipt.jobID)?.exchangeAccount == "wei.zhang@example.com")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    /// Every commit reaches the disk before it is answered: the writer syncs the log at each commit
    /// (`synchronous = FULL`, 2), which GRDB's WAL set-up would otherwise have lowered to NORMAL (1).
    @Test func theWriterSyncsEveryCommit() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hirebind-sync-\(UUID().uuidString)")
        let store = try SQLiteJobStore(path: folder.appendingPathComponent("jobs.sqlite").path)
        _ = try await store.enqueueBind(StoreContractTests.job("e1"))
        let level = try await store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(level == 2)
        let journal = try await store.pool.write { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
    }

    /// The -wal and -shm files hold every rotated token pair: private from the first byte, not after the fact.
    @Test func everyFileOfANewStoreIsPrivate() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hirebind-modes-\(UUID().uuidString)/store")
        let path = folder.appendingPathComponent("jobs.sqlite").path
        let store = try SQLiteJobStore(path: path)
        _ = try await store.enqueueBind(StoreContractTests.job("e1"))
        for file in [path, path + "-wal", path + "-shm"] {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file)")
        }
        let folderMode = try FileManager.default.attributesOfItem(atPath: folder.path)[.posixPermissions] as? Int
        #expect(folderMode == 0o700)
    }
}

/// Group commit: concurrent intakes share transactions, each answered for itself, none answered before it is on disk.
@Suite struct SQLiteGroupCommitTests {
    static func store() throws -> SQLiteJobStore {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hirebind-group-\(UUID().uuidString)")
        return try SQLiteJobStore(path: folder.appendingPathComponent("jobs.sqlite").path)
    }

    @Test func concurrentIntakesShareCommitsAndAreAnsweredOneByOne() async throws {
        let store = try Self.store()
        let observed = Mutex<[StoreCommit]>([])
        store.observeCommits { commit in observed.withLock { $0.append(commit) } }
        try await ContestedIntakes.check(store)
        let statistics = store.writes.statistics
        #expect(statistics.writes == 250)
        #expect(statistics.commits < statistics.writes, "\(statistics.commits) commits for \(statistics.writes) writes")
        // Whoever watches the store's commits is told of each, with its writes and how long its sync took.
        let commits = observed.withLock { $0 }
        #expect(commits.count == statistics.commits)
        #expect(commits.map(\.writes).reduce(0, +) == 250)
        #expect(commits.allSatisfy { !$0.failed && $0.duration > .zero })
    }

    /// Workers' leases and settles join the intakes' transactions: eight workers drain 120 jobs while 120 more
    /// arrive; each job is leased by one worker only (two leases in one batch see each other) and settled once.
    @Test func leasesAndSettlesShareCommitsWithIntakes() async throws {
        let store = try Self.store()
        for i in 0..<120 { _ = try await store.enqueueBind(StoreContractTests.job("early-\(i)", address: "early\(i)@example.com")) }
        let before = store.writes.statistics
        let leased = try await withThrowingTaskGroup(of: [String].self) { group in
            for i in 0..<120 {
                group.addTask {
                    _ = try await store.enqueueBind(StoreContractTests.job("late-\(i)", address: "late\(i)@example.com"))
                    return []
                }
            }
            for _ in 0..<8 {
                group.addTask {
                    var mine: [String] = []
                    while let lease = try await store.leaseJob(for: 30, now: Date()) {
                        mine.append(lease.job.id)
                        let now = Date()
                        try await store.finishJob(
                            lease, outcome: .bound(bindingID: "b-\(lease.job.id)", syncStatus: "done", followSync: nil),
                            attempt: JobAttempt(number: 1, startedAt: now, finishedAt: now, outcome: .succeeded), callback: nil, now: now)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        // Late intakes may arrive after the workers found the queue empty: drain what is left, one by one.
        var rest: [String] = []
        while let lease = try await store.leaseJob(for: 30, now: Date()) {
            rest.append(lease.job.id)
            try await store.finishJob(
                lease, outcome: .bound(bindingID: "b", syncStatus: "done", followSync: nil),
                attempt: JobAttempt(number: 1, startedAt: Date(), finishedAt: Date(), outcome: .succeeded), callback: nil, now: Date())
        }
        let all = leased + rest
        #expect(all.count == 240, "each job leased once")
        #expect(Set(all).count == 240, "no job leased twice")
        #expect(try await store.jobs(status: .succeeded, limit: 1000).count == 240)
        let after = store.writes.statistics
        let writes = after.writes - before.writes
        let commits = after.commits - before.commits
        #expect(writes >= 120 + 2 * 240, "intakes, leases and settles all go through the group commit")
        #expect(commits < writes, "\(commits) commits for \(writes) writes")
    }

    @Test func aFullDiskFailsEveryIntakeOfTheBatchAndStoresNone() async throws {
        let store = try Self.store()
        _ = try await store.enqueueBind(StoreContractTests.job("before", address: "before@example.com"))
        // The store may not grow by a page: SQLite answers SQLITE_FULL, as on a full disk.
        try await store.pool.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
        }
        let failedCommits = Mutex(0)
        store.observeCommits { commit in if commit.failed { failedCommits.withLock { $0 += 1 } } }
        let filler = String(repeating: "x", count: 8000)
        let results = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<40 {
                group.addTask {
                    var job = StoreContractTests.job("full-\(i)", address: "full\(i)@example.com")
                    job.namingTrace = .object(["padding": .string(filler)])
                    return (try? await store.enqueueBind(job)) != nil
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.allSatisfy { !$0 }, "no intake is answered as stored when the disk is full")
        #expect(failedCommits.withLock { $0 } > 0, "the failed commits are told to whoever watches")
        try await store.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = 1073741823") }
        let stored = try await store.jobs(status: nil, limit: 100)
        #expect(stored.map(\.eventID) == ["before"], "nothing of a failed batch is on disk")
        // Space again: intakes go on.
        let after = try await store.enqueueBind(StoreContractTests.job("after", address: "after@example.com"))
        guard case .created = after else {
            Issue.record("expected a new job once there is space, got \(after)")
            return
        }
    }
}

/// The write-ahead log is checkpointed beside the writer (SQLite's own checkpoint would run inside a commit).
@Suite struct SQLiteCheckpointerTests {
    /// With passive checkpoints past 100 pages, and with none at all (only the writer's, past 1,000).
    @Test(arguments: [Int32(100), Int32.max]) func aGrowingLogIsCheckpointedOffTheWriterAndStaysBounded(passivePages: Int32) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hirebind-checkpoint-\(UUID().uuidString)")
        let path = folder.appendingPathComponent("jobs.sqlite").path
        // Small thresholds: the writer empties the log past 1,000 pages.
        let store = try SQLiteJobStore(path: path, checkpointPages: (passivePages, 1000))
        #expect(store.checkpointer.checkpoints == 0)
        // About 12,000 intakes: some 7,000 pages of log if nothing checkpointed, far past the thresholds.
        for batch in 0..<60 {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<200 {
                    let id = "e-\(batch)-\(i)"
                    group.addTask { _ = try await store.enqueueBind(StoreContractTests.job(id, address: "\(id)@example.com")) }
                }
                try await group.waitForAll()
            }
        }
        for _ in 0..<100 where store.checkpointer.checkpoints == 0 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(store.checkpointer.checkpoints > 0)
        if passivePages == .max { #expect(store.checkpointer.truncations > 0) }
        // Whether passive checkpoints keep up or not, past the high-water mark the writer itself empties the log
        // between two commits, so the log never grows much past it (one group commit's pages at most).
        #expect(store.checkpointer.longestLog < 1500, "\(store.checkpointer.longestLog) pages, \(store.checkpointer.truncations) truncations")
        #expect(try await store.jobs(status: .queued, limit: 20_000).count == 12000)
        // What the checkpoints moved is the same data: a reopened store has every job.
        let reopened = try SQLiteJobStore(path: path)
        #expect(try await reopened.jobs(status: .queued, limit: 20_000).count == 12000)
    }
}
