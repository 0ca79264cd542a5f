// PostgresJobStore+Leadership: the LeaderElection contract on PostgreSQL: one row, claimed in one statement on the database's clock.

public import Foundation
import PostgresNIO

extension PostgresJobStore: LeaderElection {
    public func claimLeadership(holder: String, for seconds: Double, now: Date) async throws -> Bool {
        try await rows(
            """
            INSERT INTO leader (id, holder, expires_at) VALUES (1, \(holder), \(db(now.addingTimeInterval(seconds))))
            ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
            WHERE leader.holder = excluded.holder OR leader.expires_at <= \(db(now))
            RETURNING id
            """
        ).count == 1
    }

    public func resignLeadership(holder: String) async throws {
        try await rows("DELETE FROM leader WHERE id = 1 AND holder = \(holder)")
    }
}
