// SQLiteJobStore+JobQueue: the JobQueue contract on SQLite: leases, retries, outcomes, requeues.

public import Foundation
import GRDB
public import HireBindCore

extension SQLiteJobStore: JobQueue {
    public func leaseJob(for seconds: Double, now: Date) async throws -> JobLease? {
        try await writes.write { db in
            let lease = SQLiteLease(now: now, seconds: seconds)
            // A running job whose lease expired was held by a worker that died mid-call: its outcome is unknown.
            guard
                let row = try lease.claim(
                    db, table: "jobs",
                    set: """
                        status = 'running', lease_token = :token, lease_expires_at = :until, attempts = attempts + 1, updated_at = :now,
                        outcome_unknown = (outcome_unknown OR status = 'running')
                        """,
                    from: Self.jobSources
                )
            else { return nil }
            return JobLease(job: try SQLiteRows.job(from: row), token: lease.token, expiresAt: lease.until)
        }
    }

    /// Due jobs: queued ones whose time has come (index `jobs_due`), and running ones whose lease expired
    /// (index `jobs_leases`).
    static let jobSources = [
        SQLiteLease.Source(due: "status = 'queued' AND next_attempt_at <= :now", order: "next_attempt_at"),
        SQLiteLease.Source(due: "status = 'running' AND lease_expires_at <= :now", order: "lease_expires_at"),
    ]

    public func renewLease(_ lease: JobLease, for seconds: Double, now: Date) async throws {
        try await writes.write { db in
            try db.execute(
                sql: "UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND lease_token = ? AND status = 'running'",
                arguments: [now.timeIntervalSince1970 + seconds, lease.job.id, lease.token]
            )
            guard db.changesCount == 1 else { throw LeaseLostError() }
        }
    }

    public func resolveUserID(_ lease: JobLease, userID: String) async throws {
        try await writes.write { db in
            try Self.requireLease(db, lease)
            try db.execute(sql: "UPDATE jobs SET feishu_user_id = ? WHERE id = ?", arguments: [userID, lease.job.id])
        }
    }

    public func recordMailboxCheck(_ lease: JobLease, address: String, namingTrace: JSONValue?) async throws -> MailboxClaim {
        let job = lease.job
        let trace = try Self.json(namingTrace) ?? "null"
        return try await writes.write { db in
            try Self.requireLease(db, lease)
            if address.lowercased() != job.exchangeAccount.lowercased() {
                // The ledger's holder of the address, unless it is a job of the same person from the same source.
                let holder = try String.fetchOne(
                    db,
                    sql: """
                        SELECT mailboxes.job_id FROM mailboxes JOIN jobs ON jobs.id = mailboxes.job_id
                        WHERE mailboxes.address = ? AND mailboxes.job_id != ? AND NOT (jobs.source = ? AND jobs.employee_id = ?)
                        """,
                    arguments: [address, job.id, job.source, job.employeeID])
                if let holder {
                    try db.execute(sql: "UPDATE jobs SET naming_trace = ? WHERE id = ?", arguments: [trace, job.id])
                    return .heldBy(jobID: holder)
                }
                try db.execute(
                    sql: "INSERT OR IGNORE INTO mailboxes (address, job_id, reserved_at) VALUES (?, ?, ?)",
                    arguments: [address, job.id, Date().timeIntervalSince1970])
            }
            try db.execute(sql: "UPDATE jobs SET exchange_account = ?, naming_trace = ? WHERE id = ?", arguments: [address, trace, job.id])
            return .recorded
        }
    }

    public func requeueJob(id: String, now: Date) async throws -> RequeueOutcome {
        try await pool.write { db in
            guard let status = try String.fetchOne(db, sql: "SELECT status FROM jobs WHERE id = ?", arguments: [id]) else { return .notFound }
            guard status == JobStatus.dead.rawValue || status == JobStatus.failed.rawValue else { return .notRetryable(status) }
            try db.execute(
                sql: "UPDATE jobs SET status = 'queued', attempts = 0, next_attempt_at = ?, updated_at = ? WHERE id = ?",
                arguments: [now.timeIntervalSince1970, now.timeIntervalSince1970, id]
            )
            return .requeued
        }
    }

    public func retryJob(_ lease: JobLease, attempt: JobAttempt, retryAt: Date, countsAsAttempt: Bool, outcomeUnknown: Bool) async throws {
        try await writes.write { db in
            try Self.requireLease(db, lease)
            try db.execute(
                sql: """
                    UPDATE jobs SET status = 'queued', lease_token = NULL, lease_expires_at = NULL, next_attempt_at = ?,
                        last_error = ?, attempts = attempts - ?, outcome_unknown = (outcome_unknown OR ?), updated_at = ? WHERE id = ?
                    """,
                arguments: [
                    retryAt.timeIntervalSince1970, try Self.json(attempt.failure), countsAsAttempt ? 0 : 1, outcomeUnknown,
                    attempt.finishedAt.timeIntervalSince1970, lease.job.id,
                ]
            )
            try Self.insert(attempt, jobID: lease.job.id, db)
        }
    }

    public func finishJob(_ lease: JobLease, outcome: JobOutcome, attempt: JobAttempt, callback: OutboundCallback?, now: Date) async throws {
        try await writes.write { db in
            try Self.requireLease(db, lease)
            let t = now.timeIntervalSince1970
            switch outcome {
            case .bound(let bindingID, let syncStatus, let followSync):
                try db.execute(
                    sql: """
                        UPDATE jobs SET status = 'succeeded', binding_id = ?, sync_status = ?, last_error = NULL,
                            sync_next_check_at = ?, sync_deadline = ?, sync_checks = 0,
                            lease_token = NULL, lease_expires_at = NULL, updated_at = ? WHERE id = ?
                        """,
                    arguments: [
                        bindingID, syncStatus, followSync?.firstCheckAt.timeIntervalSince1970, followSync?.deadline.timeIntervalSince1970,
                        t, lease.job.id,
                    ]
                )
                try Self.recordSyncObservation(jobID: lease.job.id, status: syncStatus, now: now, db)
            case .unbound, .completed:
                try db.execute(
                    sql: """
                        UPDATE jobs SET status = 'succeeded', last_error = NULL, lease_token = NULL, lease_expires_at = NULL,
                            updated_at = ? WHERE id = ?
                        """,
                    arguments: [t, lease.job.id]
                )
                if case .unbound = outcome {
                    // The binding is gone: its sync is no longer followed.
                    try db.execute(sql: "UPDATE jobs SET sync_next_check_at = NULL WHERE id = ?", arguments: [lease.job.targetJobID])
                }
            case .failed(let failure), .dead(let failure):
                let status: JobStatus = if case .failed = outcome { .failed } else { .dead }
                try db.execute(
                    sql: """
                        UPDATE jobs SET status = ?, last_error = ?, lease_token = NULL, lease_expires_at = NULL, updated_at = ?
                        WHERE id = ?
                        """,
                    arguments: [status.rawValue, try Self.json(failure), t, lease.job.id]
                )
            }
            try Self.insert(attempt, jobID: lease.job.id, db)
            if let callback { try Self.insertCallback(callback, jobID: lease.job.id, now: t, db) }
        }
    }

    public func nextJobDue() async throws -> Date? {
        try await pool.read { db in
            try Double.fetchOne(
                db,
                sql: """
                    SELECT MIN(t) FROM (
                        SELECT MIN(next_attempt_at) AS t FROM jobs WHERE status = 'queued'
                        UNION ALL SELECT MIN(lease_expires_at) FROM jobs WHERE status = 'running'
                    )
                    """
            ).map(Date.init(timeIntervalSince1970:))
        }
    }

    static func requireLease(_ db: Database, _ lease: JobLease) throws {
        let token = try String.fetchOne(db, sql: "SELECT lease_token FROM jobs WHERE id = ?", arguments: [lease.job.id])
        guard token == lease.token else { throw LeaseLostError() }
    }

    static func insert(_ attempt: JobAttempt, jobID: String, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO job_attempts (job_id, number, started_at, finished_at, outcome, failure, log_id)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                jobID, attempt.number, attempt.startedAt.timeIntervalSince1970, attempt.finishedAt.timeIntervalSince1970,
                attempt.outcome.rawValue, try json(attempt.failure), attempt.logID,
            ]
        )
    }
}
