// PostgresJobStore+JobQueue: the JobQueue contract on PostgreSQL: leases, retries, outcomes, requeues.

public import Foundation
public import HireBindCore
import PostgresNIO

extension PostgresJobStore: JobQueue {
    public func leaseJob(for seconds: Double, now: Date) async throws -> JobLease? {
        let lease = PostgresLease(now: now, seconds: seconds)
        // A running job whose lease expired was held by a worker that died mid-call: its outcome is unknown.
        let claimed = try await rows(
            lease.query(
                table: "jobs",
                set: """
                    status = 'running', lease_token = $1, lease_expires_at = \(PostgresLease.until), attempts = jobs.attempts + 1, updated_at = \(PostgresLease.now),
                    outcome_unknown = (jobs.outcome_unknown OR jobs.status = 'running')
                    """,
                from: Self.jobSources, clock: clock))
        guard let row = claimed.first else { return nil }
        return JobLease(job: try PostgresRows.job(from: row), token: lease.token, expiresAt: lease.until)
    }

    /// Due jobs: queued ones whose time has come (partial index `jobs_due`), and running ones whose lease
    /// expired (partial index `jobs_leases`).
    static let jobSources = [
        PostgresLease.Source(due: "status = 'queued' AND next_attempt_at <= \(PostgresLease.now)", order: "next_attempt_at"),
        PostgresLease.Source(due: "status = 'running' AND lease_expires_at <= \(PostgresLease.now)", order: "lease_expires_at"),
    ]

    public func renewLease(_ lease: JobLease, for seconds: Double, now: Date) async throws {
        let renewed = try await rows(
            """
            UPDATE jobs SET lease_expires_at = \(db(now.addingTimeInterval(seconds)))
            WHERE id = \(lease.job.id) AND lease_token = \(lease.token) AND status = 'running' RETURNING id
            """)
        guard renewed.count == 1 else { throw LeaseLostError() }
    }

    public func resolveUserID(_ lease: JobLease, userID: String) async throws {
        try await transaction { tx in
            try await Self.requireLease(lease, tx)
            try await tx.rows("UPDATE jobs SET feishu_user_id = \(userID) WHERE id = \(lease.job.id)")
        }
    }

    public func recordMailboxCheck(_ lease: JobLease, address: String, namingTrace: JSONValue?) async throws -> MailboxClaim {
        let job = lease.job
        let trace = try PostgresRows.json(namingTrace) ?? "null"
        return try await transaction { tx in
            try await Self.requireLease(lease, tx)
            if address.lowercased() != job.exchangeAccount.lowercased() {
                // The ledger's holder of the address, unless it is a job of the same person from the same source.
                let holder = try await tx.rows(
                    """
                    SELECT mailboxes.job_id FROM mailboxes JOIN jobs ON jobs.id = mailboxes.job_id
                    WHERE lower(mailboxes.address) = lower(\(address)) AND mailboxes.job_id != \(job.id)
                        AND NOT (jobs.source = \(job.source) AND jobs.employee_id = \(job.employeeID))
                    """
                ).first
                if let holder {
                    try await tx.rows("UPDATE jobs SET naming_trace = \(trace) WHERE id = \(job.id)")
                    return .heldBy(jobID: try holder.value("job_id"))
                }
                try await tx.rows(
                    "INSERT INTO mailboxes (address, job_id, reserved_at) VALUES (\(address), \(job.id), \(db(Date()))) ON CONFLICT DO NOTHING")
            }
            try await tx.rows("UPDATE jobs SET exchange_account = \(address), naming_trace = \(trace) WHERE id = \(job.id)")
            return .recorded
        }
    }

    public func requeueJob(id: String, now: Date) async throws -> RequeueOutcome {
        try await transaction { tx in
            guard let row = try await tx.rows("SELECT status FROM jobs WHERE id = \(id) FOR UPDATE").first else { return .notFound }
            let status: String = try row.value("status")
            guard status == JobStatus.dead.rawValue || status == JobStatus.failed.rawValue else { return .notRetryable(status) }
            try await tx.rows("UPDATE jobs SET status = 'queued', attempts = 0, next_attempt_at = \(db(now)), updated_at = \(db(now)) WHERE id = \(id)")
            try await tx.announce(.jobs)
            return .requeued
        }
    }

    public func retryJob(_ lease: JobLease, attempt: JobAttempt, retryAt: Date, countsAsAttempt: Bool, outcomeUnknown: Bool) async throws {
        let failure = try PostgresRows.json(attempt.failure)
        try await transaction { tx in
            try await Self.requireLease(lease, tx)
            try await tx.rows(
                """
                UPDATE jobs SET status = 'queued', lease_token = NULL, lease_expires_at = NULL, next_attempt_at = \(db(retryAt)),
                    last_error = \(failure), attempts = attempts - \(countsAsAttempt ? 0 : 1), outcome_unknown = (outcome_unknown OR \(outcomeUnknown)),
                    updated_at = \(db(attempt.finishedAt)) WHERE id = \(lease.job.id)
                """)
            try await Self.insert(attempt, jobID: lease.job.id, tx)
        }
    }

    public func finishJob(_ lease: JobLease, outcome: JobOutcome, attempt: JobAttempt, callback: OutboundCallback?, now: Date) async throws {
        let id = lease.job.id
        try await transaction { tx in
            try await Self.requireLease(lease, tx)
            switch outcome {
            case .bound(let bindingID, let syncStatus, let followSync):
                try await tx.rows(
                    """
                    UPDATE jobs SET status = 'succeeded', binding_id = \(bindingID), sync_status = \(syncStatus), last_error = NULL,
                        sync_next_check_at = \(db(followSync?.firstCheckAt)), sync_deadline = \(db(followSync?.deadline)), sync_checks = 0,
                        lease_token = NULL, lease_expires_at = NULL, updated_at = \(db(now)) WHERE id = \(id)
                    """)
                try await Self.recordSyncObservation(jobID: id, status: syncStatus, now: now, tx)
            case .unbound, .completed:
                try await tx.rows(
                    """
                    UPDATE jobs SET status = 'succeeded', last_error = NULL, lease_token = NULL, lease_expires_at = NULL, updated_at = \(db(now))
                    WHERE id = \(id)
                    """)
                if case .unbound = outcome, let target = lease.job.targetJobID {
                    // The binding is gone: its sync is no longer followed.
                    try await tx.rows("UPDATE jobs SET sync_next_check_at = NULL WHERE id = \(target)")
                }
            case .failed(let failure), .dead(let failure):
                let status: JobStatus = if case .failed = outcome { .failed } else { .dead }
                try await tx.rows(
                    """
                    UPDATE jobs SET status = \(status.rawValue), last_error = \(try PostgresRows.json(failure)), lease_token = NULL,
                        lease_expires_at = NULL, updated_at = \(db(now)) WHERE id = \(id)
                    """)
            }
            try await Self.insert(attempt, jobID: id, tx)
            if let callback { try await Self.insertCallback(callback, jobID: id, now: now, tx) }
        }
    }

    public func nextJobDue() async throws -> Date? {
        try await rows(
            """
            SELECT LEAST((SELECT MIN(next_attempt_at) FROM jobs WHERE status = 'queued'),
                (SELECT MIN(lease_expires_at) FROM jobs WHERE status = 'running')) AS due
            """
        ).first?.value("due", as: Date?.self).map(clock.local)
    }

    /// Locks the job's row for the rest of the transaction and checks the lease is still this worker's: a
    /// replica taking an expired lease over waits for this transaction, then finds the job settled.
    static func requireLease(_ lease: JobLease, _ tx: PostgresTransaction) async throws {
        let token = try await tx.rows("SELECT lease_token FROM jobs WHERE id = \(lease.job.id) FOR UPDATE").first?.value("lease_token", as: String?.self)
        guard token == lease.token else { throw LeaseLostError() }
    }

    static func insert(_ attempt: JobAttempt, jobID: String, _ tx: PostgresTransaction) async throws {
        try await tx.rows(
            """
            INSERT INTO job_attempts (job_id, number, started_at, finished_at, outcome, failure, log_id)
            VALUES (\(jobID), \(attempt.number), \(tx.db(attempt.startedAt)), \(tx.db(attempt.finishedAt)), \(attempt.outcome.rawValue),
                \(try PostgresRows.json(attempt.failure)), \(attempt.logID))
            """)
    }
}
