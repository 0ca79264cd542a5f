// SQLiteJobStore+Retention: the StoreRetention contract on SQLite: old attempts, sync looks and callbacks, a batch at a time.

public import Foundation
import GRDB

extension SQLiteJobStore: StoreRetention {
    public func purgeHistory(before date: Date, limit: Int) async throws -> Int {
        let cutoff = date.timeIntervalSince1970
        return try await pool.write { db in
            // Attempts, then the sync history, of jobs that are final and were last touched before the cutoff.
            var deleted = 0
            for (table, time) in [("job_attempts", "finished_at"), ("sync_observations", "seen_at")] {
                try db.execute(
                    sql: """
                        DELETE FROM \(table) WHERE rowid IN (
                            SELECT \(table).rowid FROM \(table) JOIN jobs ON jobs.id = \(table).job_id
                            WHERE \(table).\(time) < :cutoff AND jobs.updated_at < :cutoff
                                AND jobs.status IN ('succeeded', 'failed', 'dead') AND jobs.sync_next_check_at IS NULL
                            LIMIT :limit)
                        """,
                    arguments: ["cutoff": cutoff, "limit": limit - deleted])
                deleted += db.changesCount
                guard deleted < limit else { return deleted }
            }
            try db.execute(
                sql: """
                    DELETE FROM callbacks WHERE id IN (
                        SELECT id FROM callbacks WHERE status IN ('delivered', 'dead') AND created_at < :cutoff LIMIT :limit)
                    """,
                arguments: ["cutoff": cutoff, "limit": limit - deleted])
            deleted += db.changesCount
            return deleted
        }
    }
}
