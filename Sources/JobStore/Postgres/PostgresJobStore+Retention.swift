// PostgresJobStore+Retention: the StoreRetention contract on PostgreSQL: old attempts, sync looks and callbacks, a batch at a time.

public import Foundation
import PostgresNIO

extension PostgresJobStore: StoreRetention {
    public func purgeHistory(before cutoff: Date, limit: Int) async throws -> Int {
        // Attempts, then the sync history, of jobs that are final and were last touched before the cutoff.
        var deleted = 0
        for (table, time) in [("job_attempts", "finished_at"), ("sync_observations", "seen_at")] {
            var binds = PostgresBindings()
            binds.append(db(cutoff))
            binds.append(limit - deleted)
            deleted += try await rows(
                PostgresQuery(
                    unsafeSQL: """
                        DELETE FROM \(table) WHERE id IN (
                            SELECT \(table).id FROM \(table) JOIN jobs ON jobs.id = \(table).job_id
                            WHERE \(table).\(time) < $1 AND jobs.updated_at < $1
                                AND jobs.status IN ('succeeded', 'failed', 'dead') AND jobs.sync_next_check_at IS NULL
                            LIMIT $2)
                        RETURNING 1
                        """, binds: binds)
            ).count
            guard deleted < limit else { return deleted }
        }
        deleted += try await rows(
            """
            DELETE FROM callbacks WHERE id IN (
                SELECT id FROM callbacks WHERE status IN ('delivered', 'dead') AND created_at < \(db(cutoff)) LIMIT \(limit - deleted))
            RETURNING 1
            """
        ).count
        return deleted
    }
}
