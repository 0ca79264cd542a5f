// SQLiteJobStore+Leadership: the LeaderElection contract on SQLite: one row, claimed in one statement.

public import Foundation
import GRDB

extension SQLiteJobStore: LeaderElection {
    public func claimLeadership(holder: String, for seconds: Double, now: Date) async throws -> Bool {
        try await pool.write { db in
            let t = now.timeIntervalSince1970
            try db.execute(
                sql: """
                    INSERT INTO leader (id, holder, expires_at) VALUES (1, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                    WHERE leader.holder = excluded.holder OR leader.expires_at <= ?
                    """,
                arguments: [holder, t + seconds, t])
            return db.changesCount == 1
        }
    }

    public func resignLeadership(holder: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM leader WHERE id = 1 AND holder = ?", arguments: [holder])
        }
    }
}
