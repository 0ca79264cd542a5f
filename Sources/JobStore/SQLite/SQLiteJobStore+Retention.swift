// SQLiteJobStore+Retention: the StoreRetention contract on SQLite: old attempts and callbacks, a batch at a time.

public import Foundation
import GRDB

extension SQLiteJobStore: StoreRetention {
    public func purgeHistory(before date: Date, limit: Int) async throws -> Int {
        let cutoff = date.timeIntervalSince1970
        return try await pool.write { db in
            // Attempts of jobs that are final and were last touched before the cutoff.
            try db.execute(
                sql: """
                    DELETE FROM job_attempts WHERE rowid IN (
                        SELECT job_attempts.rowid FROM job_attempts JOIN jobs ON jobs.id = job_attempts.job_id
                        WHERE job_attempts.finished_at < :cutoff AND jobs.updated_at < :cutoff
                            AND jobs.status IN ('succeeded', 'failed', 'dead') AND jobs.sync_next_check_at IS NULL
                        LIMIT :limit)
                    """,
                arguments: ["cutoff": cutoff, "limit": limit])
            var deleted = db.changesCount
            guard deleted < limit else { return deleted }
            // The sync history of the same jobs.
            try db.execute(
                sql: """
                    DELETE FROM sync_observations WHERE rowid IN (
                        SELECT sync_observations.rowid FROM sync_observations JOIN jobs ON jobs.id = sync_observations.job_id
                        WHERE sync_observations.seen_at < :cutoff AND jobs.updated_at < :cutoff
                            AND jobs.status IN ('succeeded', 'failed', 'dead') AND jobs.sync_next_check_at IS NULL
                        LIMIT :limit)
                    """,
                arguments: ["cutoff": cutoff, "limit": limit - deleted])
            deleted += db.changesCount
            guard deleted < limit else { return deleted }
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
