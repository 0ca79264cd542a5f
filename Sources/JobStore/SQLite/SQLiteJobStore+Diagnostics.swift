// SQLiteJobStore+Diagnostics: the query plans of the claim statements, for the queue benchmark and operators.

public import Foundation
import GRDB

extension SQLiteJobStore {
    /// A claim statement's query plan as SQLite would run it now: one line per step (`SEARCH jobs USING INDEX …`).
    public struct ClaimPlan: Sendable {
        public var statement: String
        public var steps: [String]

        /// Whether any step scans a whole table: a cost that grows with the backlog. (The claims' only sort is of
        /// the first due row of each source, at most two rows.)
        public var growsWithBacklog: Bool {
            steps.contains { step in step.hasPrefix("SCAN ") && !step.hasPrefix("SCAN (subquery") }
        }
    }

    /// The plans of the job, callback and sync-check claims.
    public func claimPlans(now: Date) async throws -> [ClaimPlan] {
        let lease = SQLiteLease(now: now, seconds: 60)
        let statements = [
            ("lease job", SQLiteLease.statement(table: "jobs", set: "lease_token = :token", from: Self.jobSources)),
            ("lease callback", SQLiteLease.statement(table: "callbacks", set: "lease_token = :token", from: Self.callbackSources)),
            ("lease sync check", SQLiteLease.statement(table: "jobs", set: "sync_lease_token = :token", from: Self.syncSources)),
        ]
        return try await pool.read { db in
            try statements.map { name, sql in
                let rows = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: lease.arguments)
                return ClaimPlan(statement: name, steps: rows.map { $0["detail"] as String? ?? "" })
            }
        }
    }
}
