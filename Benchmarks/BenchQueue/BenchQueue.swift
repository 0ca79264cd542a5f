// BenchQueue: the store's claim statements timed with 1,000, 100,000 and 1,000,000 jobs waiting, and their plans.

import Foundation
import GRDB
import HireBindCore
import JobStore
import Logging

/// `scripts/bench-queue`: for each backlog size, a fresh SQLite store (the real schema, through `SQLiteJobStore`)
/// is filled in bulk with that many due queued jobs, as many finished ones, a tenth as many pending callbacks and
/// followed syncs; then each claim and its settle are timed through the store's own API, and the claims' query
/// plans printed. Sizes come from the command line (default 1000 100000 1000000).
@main struct BenchQueue {
    static let rounds = 300

    static func main() async throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        // `fill-live PATH SIZE`: a store of SIZE queued jobs due now, for hirebind to bind against the sandbox.
        if arguments.first == "fill-live", arguments.count == 3, let size = Int(arguments[2]) {
            _ = try SQLiteJobStore(path: arguments[1])
            try fillLive(path: arguments[1], size: size)
            print("filled \(arguments[1]) with \(size) queued jobs")
            return
        }
        // `postgres URL SIZE`: the same timings against a PostgreSQL database scripts/bench-queue filled with SIZE.
        if arguments.first == "postgres", arguments.count == 3, let size = Int(arguments[2]) {
            let store = try await PostgresJobStore.start(try PostgresLocation(url: arguments[1]), logger: Logger(label: "bench-queue"))
            report([(size, try await time(store))])
            await store.close()
            return
        }
        let sizes = arguments.compactMap { Int($0) }
        var results: [(size: Int, timings: [String: [Double]])] = []
        for size in sizes.isEmpty ? [1_000, 100_000, 1_000_000] : sizes {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hirebind-bench-queue-\(UUID().uuidString)").path
            let path = folder + "/queue.sqlite"
            let store = try SQLiteJobStore(path: path)
            let started = Date()
            try fill(path: path, size: size)
            print("backlog \(size): filled in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
            results.append((size, try await time(store)))
            if size == (sizes.last ?? 1_000_000) {
                for plan in try await store.claimPlans(now: Date()) {
                    print("plan of \(plan.statement)\(plan.growsWithBacklog ? " (GROWS WITH THE BACKLOG)" : ""):")
                    for step in plan.steps { print("    \(step)") }
                }
            }
            try? FileManager.default.removeItem(atPath: folder)
        }
        report(results)
    }

    /// Bulk rows against the real schema: `size` queued jobs due now, `size` finished ones, `size / 10` pending
    /// callbacks and followed syncs.
    static func fill(path: String, size: Int) throws {
        let queue = try DatabaseQueue(path: path)
        let now = Date().timeIntervalSince1970
        try queue.write { db in
            try db.execute(
                sql: """
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
                    INSERT INTO jobs (id, source, event_id, employee_id, feishu_user_id, exchange_account, admin_account, user_id_type,
                        naming_trace, status, attempts, next_attempt_at, created_at, updated_at, sync_next_check_at, sync_deadline)
                    SELECT 'job-' || i, 'bench', 'evt-' || i, 'E' || i, 'ou_' || i, 'person' || i || '@example.com', 'admin@example.com',
                        'open_id', 'null', CASE WHEN i % 2 = 0 THEN 'queued' ELSE 'succeeded' END, 0, ? - (i % 3600), ?, ?,
                        CASE WHEN i % 20 = 1 THEN ? - (i % 60) END, CASE WHEN i % 20 = 1 THEN ? + 86400 END
                    FROM n
                    """,
                arguments: [2 * size, now, now, now, now, now])
            try db.execute(
                sql: """
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
                    INSERT INTO callbacks (job_id, message_id, url, body, status, next_attempt_at, created_at)
                    SELECT 'job-' || (2 * i + 1), 'hb_' || i, 'http://127.0.0.1:9/cb', X'7B7D',
                        CASE WHEN i % 2 = 0 THEN 'pending' ELSE 'delivered' END, ? - (i % 600), ? FROM n
                    """,
                arguments: [size / 5, now, now])
        }
        try queue.close()
    }

    /// `size` queued jobs, due now in creation order, each a distinct person and address, without callbacks.
    static func fillLive(path: String, size: Int) throws {
        let queue = try DatabaseQueue(path: path)
        let now = Date().timeIntervalSince1970
        try queue.write { db in
            try db.execute(
                sql: """
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
                    INSERT INTO jobs (id, source, event_id, employee_id, feishu_user_id, exchange_account, admin_account, user_id_type,
                        naming_trace, status, attempts, next_attempt_at, created_at, updated_at)
                    SELECT 'backlog-' || i, 'backlog', 'evt-' || i, 'B' || i, 'ou_backlog_' || i, 'backlog' || i || '@example.com',
                        'exchange-admin@example.com', 'open_id', 'null', 'queued', 0, ? - 60 + i * 1e-6, ?, ? FROM n
                    """,
                arguments: [size, now, now, now])
        }
        try queue.close()
    }

    /// Each claim and settle, `rounds` times, through the store's API; settled work leaves the due set.
    static func time(_ store: any JobQueue & CallbackOutbox & SyncCheckQueue) async throws -> [String: [Double]] {
        var timings: [String: [Double]] = [:]
        func measure<T>(_ name: String, _ body: () async throws -> T) async rethrows -> T {
            let start = ContinuousClock.now
            let value = try await body()
            let elapsed = ContinuousClock.now - start
            timings[name, default: []].append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
            return value
        }
        for round in 0..<rounds {
            let now = Date()
            guard let lease = try await measure("lease job", { try await store.leaseJob(for: 60, now: now) }) else { break }
            try await measure("renew job lease") { try await store.renewLease(lease, for: 60, now: now) }
            let attempt = JobAttempt(number: lease.job.attempts, startedAt: now, finishedAt: now, outcome: .retry)
            try await measure("settle job (retry)") {
                try await store.retryJob(lease, attempt: attempt, retryAt: now.addingTimeInterval(3600), countsAsAttempt: true, outcomeUnknown: false)
            }
            if let delivery = try await measure("lease callback", { try await store.leaseCallback(for: 60, now: now) }) {
                try await measure("settle callback") { try await store.callbackDelivered(delivery, answer: "HTTP 200", now: now) }
            }
            if let check = try await measure("lease sync check", { try await store.leaseSyncCheck(for: 60, now: now) }) {
                try await measure("settle sync check") {
                    try await store.syncContinues(check, status: "doing", nextCheckAt: now.addingTimeInterval(3600), now: now)
                }
            }
            _ = round
        }
        return timings
    }

    static func report(_ results: [(size: Int, timings: [String: [Double]])]) {
        let names = [
            "lease job", "renew job lease", "settle job (retry)", "lease callback", "settle callback", "lease sync check", "settle sync check",
        ]
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        func p99(_ values: [Double]) -> Double { values.sorted()[min(values.count - 1, values.count * 99 / 100)] }
        print("")
        print(
            "statement".padding(toLength: 20, withPad: " ", startingAt: 0) + results.map { "  \($0.size) queued (p50 / p99 ms)" }.joined()
                + "  largest / smallest (p50)")
        for name in names {
            var line = name.padding(toLength: 20, withPad: " ", startingAt: 0)
            var medians: [Double] = []
            for result in results {
                guard let values = result.timings[name], !values.isEmpty else {
                    line += "  —"
                    continue
                }
                medians.append(median(values))
                line += "  " + String(format: "%.3f / %.3f", median(values), p99(values)).padding(toLength: 27, withPad: " ", startingAt: 0)
            }
            if let first = medians.first, let last = medians.last, first > 0 { line += String(format: "  %.2f×", last / first) }
            print(line)
        }
    }
}
