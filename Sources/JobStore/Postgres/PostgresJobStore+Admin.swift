// PostgresJobStore+Admin: the AdminQueries contract on PostgreSQL: reads for the admin API, the console and the CLI.

public import Foundation
public import HireBindCore
import PostgresNIO

extension PostgresJobStore: AdminQueries {
    public func job(id: String) async throws -> BindJob? {
        try await rows("SELECT * FROM jobs WHERE id = \(id)").first.map(PostgresRows.job(from:))
    }

    public func jobs(status: JobStatus?, limit: Int) async throws -> [BindJob] {
        let query: PostgresQuery =
            if let status {
                "SELECT * FROM jobs WHERE status = \(status.rawValue) ORDER BY created_at LIMIT \(limit)"
            } else {
                "SELECT * FROM jobs ORDER BY created_at LIMIT \(limit)"
            }
        return try await rows(query).map(PostgresRows.job(from:))
    }

    public func statuses(ofJobs ids: [String]) async throws -> [String: JobStatus] {
        var statuses: [String: JobStatus] = [:]
        // By primary key, one array parameter per few thousand ids.
        for start in stride(from: 0, to: ids.count, by: 5000) {
            let chunk = Array(ids[start..<min(start + 5000, ids.count)])
            for row in try await rows("SELECT id, status FROM jobs WHERE id = ANY(\(chunk))") {
                if let status = JobStatus(rawValue: try row.value("status")) { statuses[try row.value("id")] = status }
            }
        }
        return statuses
    }

    public func attempts(jobID: String) async throws -> [JobAttempt] {
        try await rows("SELECT * FROM job_attempts WHERE job_id = \(jobID) ORDER BY id").map { row in
            JobAttempt(
                number: try row.value("number"), startedAt: try row.value("started_at"), finishedAt: try row.value("finished_at"),
                outcome: JobAttempt.Outcome(rawValue: try row.value("outcome")) ?? .retry,
                failure: try PostgresRows.decode(JobFailure.self, try row.value("failure")), logID: try row.value("log_id"))
        }
    }

    public func callbacks(status: CallbackStatus?, limit: Int) async throws -> [CallbackRecord] {
        let query: PostgresQuery =
            if let status {
                "SELECT id, job_id, url, status, attempts, last_error FROM callbacks WHERE status = \(status.rawValue) ORDER BY id LIMIT \(limit)"
            } else {
                "SELECT id, job_id, url, status, attempts, last_error FROM callbacks ORDER BY id LIMIT \(limit)"
            }
        return try await rows(query).map(Self.callbackRecord(from:))
    }

    public func callbackStatus(jobID: String) async throws -> CallbackStatus? {
        try await rows("SELECT status FROM callbacks WHERE job_id = \(jobID) ORDER BY id DESC LIMIT 1").first
            .flatMap { CallbackStatus(rawValue: try $0.value("status")) }
    }

    static func callbackRecord(from row: PostgresRandomAccessRow) throws -> CallbackRecord {
        CallbackRecord(
            id: try row.value("id"), jobID: try row.value("job_id"), url: try row.value("url"),
            status: CallbackStatus(rawValue: try row.value("status")) ?? .pending, attempts: try row.value("attempts"),
            lastError: try row.value("last_error"))
    }
}

// The console's reads.
extension PostgresJobStore {
    public func overview(now: Date) async throws -> StoreOverview {
        var jobs: [JobStatus: Int] = [:]
        for row in try await rows("SELECT status, COUNT(*) AS n FROM jobs GROUP BY status") {
            if let status = JobStatus(rawValue: try row.value("status")) { jobs[status] = try row.value("n") }
        }
        var callbacks: [CallbackStatus: Int] = [:]
        for row in try await rows("SELECT status, COUNT(*) AS n FROM callbacks GROUP BY status") {
            if let status = CallbackStatus(rawValue: try row.value("status")) { callbacks[status] = try row.value("n") }
        }
        // Both by index `job_attempts_started`: the last minute's range, and the newest attempts walked back.
        let calls = try await rows("SELECT COUNT(*) AS n FROM job_attempts WHERE started_at >= \(db(now.addingTimeInterval(-60)))").first?.value(
            "n", as: Int.self)
        let failures = try await rows(
            "SELECT job_id, finished_at, failure FROM job_attempts WHERE failure IS NOT NULL ORDER BY started_at DESC LIMIT 10"
        ).compactMap { row -> RecentFailure? in
            guard let failure = try PostgresRows.decode(JobFailure.self, try row.value("failure")) else { return nil }
            return RecentFailure(jobID: try row.value("job_id"), at: try row.value("finished_at"), failure: failure)
        }
        return StoreOverview(jobs: jobs, callbacks: callbacks, callsLastMinute: calls ?? 0, recentFailures: failures)
    }

    public func searchJobs(matching text: String, limit: Int) async throws -> [BindJob] {
        // ILIKE: case-insensitive; % and _ in the text are matched literally.
        let pattern =
            "%"
            + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
        var binds = PostgresBindings()
        binds.append(pattern)
        binds.append(limit)
        let sql = """
            SELECT * FROM jobs WHERE person_name ILIKE $1 OR employee_id ILIKE $1 OR exchange_account ILIKE $1
                OR feishu_user_id ILIKE $1 OR id ILIKE $1
                OR (naming_trace::jsonb ->> 'family_romanized') || ' ' || (naming_trace::jsonb ->> 'given_romanized') ILIKE $1
                OR (naming_trace::jsonb ->> 'given_romanized') || ' ' || (naming_trace::jsonb ->> 'family_romanized') ILIKE $1
            ORDER BY created_at DESC LIMIT $2
            """
        return try await rows(PostgresQuery(unsafeSQL: sql, binds: binds)).map(PostgresRows.job(from:))
    }

    public func jobs(source: String, employeeID: String) async throws -> [BindJob] {
        try await rows("SELECT * FROM jobs WHERE source = \(source) AND employee_id = \(employeeID) ORDER BY created_at DESC")
            .map(PostgresRows.job(from:))
    }

    public func waitingJobs(limit: Int) async throws -> [BindJob] {
        try await rows("SELECT * FROM jobs WHERE status = 'queued' AND last_error IS NOT NULL ORDER BY next_attempt_at LIMIT \(limit)")
            .map(PostgresRows.job(from:))
    }

    public func intakes(jobID: String) async throws -> [IntakeRecord] {
        try await rows("SELECT source, event_id, received_at FROM intakes WHERE job_id = \(jobID) ORDER BY received_at").map { row in
            IntakeRecord(source: try row.value("source"), eventID: try row.value("event_id"), receivedAt: try row.value("received_at"))
        }
    }

    public func callbacks(jobID: String) async throws -> [CallbackHistory] {
        var histories: [CallbackHistory] = []
        for row in try await rows(
            "SELECT id, job_id, message_id, url, status, attempts, last_error, created_at FROM callbacks WHERE job_id = \(jobID) ORDER BY id")
        {
            let id: Int64 = try row.value("id")
            let deliveries = try await rows(
                "SELECT attempt, at, delivered, answer FROM callback_deliveries WHERE callback_id = \(id) ORDER BY id"
            ).map { delivery in
                CallbackHistory.Delivery(
                    attempt: try delivery.value("attempt"), at: try delivery.value("at"), delivered: try delivery.value("delivered"),
                    answer: try delivery.value("answer"))
            }
            histories.append(
                CallbackHistory(
                    callback: try Self.callbackRecord(from: row), messageID: try row.value("message_id"), createdAt: try row.value("created_at"),
                    deliveries: deliveries))
        }
        return histories
    }

    public func syncObservations(jobID: String) async throws -> [SyncObservation] {
        try await rows("SELECT seen_at, sync_status FROM sync_observations WHERE job_id = \(jobID) ORDER BY seen_at, id").map { row in
            SyncObservation(at: try row.value("seen_at"), status: try row.value("sync_status"))
        }
    }
}
