// PostgresJobStore+SyncChecks: the SyncCheckQueue contract on PostgreSQL: looks at bound jobs' calendar sync.

public import Foundation
import HireBindCore
import PostgresNIO

extension PostgresJobStore: SyncCheckQueue {
    public func leaseSyncCheck(for seconds: Double, now: Date) async throws -> SyncCheck? {
        let lease = PostgresLease(now: now, seconds: seconds)
        let claimed = try await rows(
            lease.query(table: "jobs", set: "sync_lease_token = $1, sync_lease_expires_at = \(PostgresLease.until)", from: Self.syncSources, clock: clock))
        guard let row = claimed.first else { return nil }
        return SyncCheck(
            job: try PostgresRows.job(from: row), checks: try row.value("sync_checks"),
            deadline: try row.value("sync_deadline", as: Date?.self) ?? now, token: lease.token)
    }

    /// Due sync checks, by the partial index `jobs_sync_due` (only jobs whose sync is followed are in it); rows
    /// leased by another watcher are passed over in the walk, and they are few.
    static let syncSources = [
        PostgresLease.Source(
            due: """
                sync_next_check_at IS NOT NULL AND sync_next_check_at <= \(PostgresLease.now)
                    AND (sync_lease_expires_at IS NULL OR sync_lease_expires_at <= \(PostgresLease.now))
                """,
            order: "sync_next_check_at")
    ]

    public func syncContinues(_ check: SyncCheck, status: String?, nextCheckAt: Date, now: Date) async throws {
        try await transaction { tx in
            let settled = try await tx.rows(
                """
                UPDATE jobs SET sync_status = COALESCE(\(status), sync_status), sync_checks = sync_checks + 1,
                    sync_next_check_at = \(db(nextCheckAt)), sync_lease_token = NULL, sync_lease_expires_at = NULL
                WHERE id = \(check.job.id) AND sync_lease_token = \(check.token) RETURNING id
                """)
            guard settled.count == 1 else { throw LeaseLostError() }
            try await Self.recordSyncObservation(jobID: check.job.id, status: status, now: now, tx)
        }
    }

    public func syncEnded(_ check: SyncCheck, status: String?, callback: OutboundCallback?, now: Date) async throws {
        try await transaction { tx in
            let settled = try await tx.rows(
                """
                UPDATE jobs SET sync_status = COALESCE(\(status), sync_status), sync_checks = sync_checks + 1, sync_next_check_at = NULL,
                    sync_lease_token = NULL, sync_lease_expires_at = NULL, updated_at = \(db(now))
                WHERE id = \(check.job.id) AND sync_lease_token = \(check.token) RETURNING id
                """)
            guard settled.count == 1 else { throw LeaseLostError() }
            try await Self.recordSyncObservation(jobID: check.job.id, status: status, now: now, tx)
            if let callback { try await Self.insertCallback(callback, jobID: check.job.id, now: now, tx) }
        }
    }

    public func nextSyncCheckDue() async throws -> Date? {
        try await rows(
            """
            SELECT MIN(GREATEST(sync_next_check_at, sync_lease_expires_at)) AS due
            FROM jobs WHERE sync_next_check_at IS NOT NULL
            """
        ).first?.value("due", as: Date?.self).map(clock.local)
    }

    /// What a look at the binding's sync saw (nil: the look failed), for the console's sync history.
    static func recordSyncObservation(jobID: String, status: String?, now: Date, _ tx: PostgresTransaction) async throws {
        try await tx.rows("INSERT INTO sync_observations (job_id, seen_at, sync_status) VALUES (\(jobID), \(tx.db(now)), \(status))")
    }
}
