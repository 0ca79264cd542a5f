// SQLiteJobStore+SyncChecks: the SyncCheckQueue contract on SQLite: looks at bound jobs' calendar sync.

public import Foundation
import GRDB
import HireBindCore

extension SQLiteJobStore: SyncCheckQueue {
    public func leaseSyncCheck(for seconds: Double, now: Date) async throws -> SyncCheck? {
        try await writes.write { db in
            let lease = SQLiteLease(now: now, seconds: seconds)
            guard
                let row = try lease.claim(
                    db, table: "jobs",
                    set: "sync_lease_token = :token, sync_lease_expires_at = :until",
                    from: Self.syncSources
                )
            else { return nil }
            return SyncCheck(
                job: try SQLiteRows.job(from: row), checks: row["sync_checks"],
                deadline: Date(timeIntervalSince1970: row["sync_deadline"] ?? lease.now), token: lease.token
            )
        }
    }

    /// Due sync checks, by the partial index `jobs_sync_due` (only jobs whose sync is followed are in it); rows
    /// leased by another watcher are skipped in the walk, and they are few.
    static let syncSources = [
        SQLiteLease.Source(
            due: """
                sync_next_check_at IS NOT NULL AND sync_next_check_at <= :now
                    AND (sync_lease_expires_at IS NULL OR sync_lease_expires_at <= :now)
                """,
            order: "sync_next_check_at")
    ]

    public func syncContinues(_ check: SyncCheck, status: String?, nextCheckAt: Date, now: Date) async throws {
        try await writes.write { db in
            try db.execute(
                sql: """
                    UPDATE jobs SET sync_status = COALESCE(?, sync_status), sync_checks = sync_checks + 1, sync_next_check_at = ?,
                        sync_lease_token = NULL, sync_lease_expires_at = NULL WHERE id = ? AND sync_lease_token = ?
                    """,
                arguments: [status, nextCheckAt.timeIntervalSince1970, check.job.id, check.token]
            )
            guard db.changesCount == 1 else { throw LeaseLostError() }
            try Self.recordSyncObservation(jobID: check.job.id, status: status, now: now, db)
        }
    }

    public func syncEnded(_ check: SyncCheck, status: String?, callback: OutboundCallback?, now: Date) async throws {
        try await writes.write { db in
            try db.execute(
                sql: """
                    UPDATE jobs SET sync_status = COALESCE(?, sync_status), sync_checks = sync_checks + 1, sync_next_check_at = NULL,
                        sync_lease_token = NULL, sync_lease_expires_at = NULL, updated_at = ? WHERE id = ? AND sync_lease_token = ?
                    """,
                arguments: [status, now.timeIntervalSince1970, check.job.id, check.token]
            )
            guard db.changesCount == 1 else { throw LeaseLostError() }
            try Self.recordSyncObservation(jobID: check.job.id, status: status, now: now, db)
            if let callback { try Self.insertCallback(callback, jobID: check.job.id, now: now.timeIntervalSince1970, db) }
        }
    }

    public func nextSyncCheckDue() async throws -> Date? {
        try await pool.read { db in
            try Double.fetchOne(
                db,
                sql: """
                    SELECT MIN(MAX(sync_next_check_at, COALESCE(sync_lease_expires_at, 0))) FROM jobs WHERE sync_next_check_at IS NOT NULL
                    """
            ).map(Date.init(timeIntervalSince1970:))
        }
    }

    /// What a look at the binding's sync saw (nil: the look failed), for the console's sync history.
    static func recordSyncObservation(jobID: String, status: String?, now: Date, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO sync_observations (job_id, seen_at, sync_status) VALUES (?, ?, ?)").execute(
            arguments: [jobID, now.timeIntervalSince1970, status])
    }
}
