// SQLiteJobStore+Admin: the AdminQueries contract on SQLite: reads for the admin API and the CLI.

public import Foundation
import GRDB
public import HireBindCore

extension SQLiteJobStore: AdminQueries {
    public func job(id: String) async throws -> BindJob? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]).map(SQLiteRows.job(from:))
        }
    }

    public func jobs(status: JobStatus?, limit: Int) async throws -> [BindJob] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM jobs WHERE ? IS NULL OR status = ? ORDER BY created_at LIMIT ?",
                arguments: [status?.rawValue, status?.rawValue, limit]
            ).map(SQLiteRows.job(from:))
        }
    }

    public func statuses(ofJobs ids: [String]) async throws -> [String: JobStatus] {
        try await pool.read { db in
            var statuses: [String: JobStatus] = [:]
            // By primary key, a few hundred at a time (SQLite's limit on bound parameters is far above).
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = Array(ids[start..<min(start + 500, ids.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
                let rows = try Row.fetchAll(db, sql: "SELECT id, status FROM jobs WHERE id IN (\(marks))", arguments: StatementArguments(chunk))
                for row in rows {
                    if let status = JobStatus(rawValue: row["status"]) { statuses[row["id"]] = status }
                }
            }
            return statuses
        }
    }

    public func attempts(jobID: String) async throws -> [JobAttempt] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM job_attempts WHERE job_id = ? ORDER BY rowid", arguments: [jobID]).map { row in
                JobAttempt(
                    number: row["number"],
                    startedAt: Date(timeIntervalSince1970: row["started_at"]),
                    finishedAt: Date(timeIntervalSince1970: row["finished_at"]),
                    outcome: JobAttempt.Outcome(rawValue: row["outcome"]) ?? .retry,
                    failure: try SQLiteRows.decode(JobFailure.self, row["failure"]),
                    logID: row["log_id"]
                )
            }
        }
    }

    public func callbacks(status: CallbackStatus?, limit: Int) async throws -> [CallbackRecord] {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT id, job_id, url, status, attempts, last_error FROM callbacks WHERE ? IS NULL OR status = ? ORDER BY id LIMIT ?",
                arguments: [status?.rawValue, status?.rawValue, limit]
            )
            return rows.map { row in
                CallbackRecord(
                    id: row["id"], jobID: row["job_id"], url: row["url"], status: CallbackStatus(rawValue: row["status"]) ?? .pending,
                    attempts: row["attempts"], lastError: row["last_error"]
                )
            }
        }
    }

    public func callbackStatus(jobID: String) async throws -> CallbackStatus? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT status FROM callbacks WHERE job_id = ? ORDER BY id DESC LIMIT 1", arguments: [jobID])
                .flatMap(CallbackStatus.init(rawValue:))
        }
    }
}

// The console's reads.
extension SQLiteJobStore {
    public func overview(now: Date) async throws -> StoreOverview {
        try await pool.read { db in
            var jobs: [JobStatus: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM jobs GROUP BY status") {
                if let status = JobStatus(rawValue: row["status"]) { jobs[status] = row["n"] }
            }
            var callbacks: [CallbackStatus: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM callbacks GROUP BY status") {
                if let status = CallbackStatus(rawValue: row["status"]) { callbacks[status] = row["n"] }
            }
            // Both by index `job_attempts_started`: the last minute's range, and the newest attempts walked back.
            let calls =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM job_attempts WHERE started_at >= ?", arguments: [now.timeIntervalSince1970 - 60]) ?? 0
            let failures = try Row.fetchAll(
                db,
                sql: """
                    SELECT job_id, finished_at, failure FROM job_attempts INDEXED BY job_attempts_started
                    WHERE failure IS NOT NULL ORDER BY started_at DESC LIMIT 10
                    """
            ).compactMap { row -> RecentFailure? in
                guard let failure = try SQLiteRows.decode(JobFailure.self, row["failure"]) else { return nil }
                return RecentFailure(jobID: row["job_id"], at: Date(timeIntervalSince1970: row["finished_at"]), failure: failure)
            }
            return StoreOverview(jobs: jobs, callbacks: callbacks, callsLastMinute: calls, recentFailures: failures)
        }
    }

    public func searchJobs(matching text: String, limit: Int) async throws -> [BindJob] {
        // LIKE is case-insensitive for ASCII; % and _ in the text are matched literally.
        let pattern =
            "%"
            + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
        return try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM jobs WHERE person_name LIKE :p ESCAPE '\\' OR employee_id LIKE :p ESCAPE '\\'
                        OR exchange_account LIKE :p ESCAPE '\\' OR feishu_user_id LIKE :p ESCAPE '\\' OR id LIKE :p ESCAPE '\\'
                        OR json_extract(naming_trace, '$.family_romanized') || ' ' || json_extract(naming_trace, '$.given_romanized')
                            LIKE :p ESCAPE '\\'
                        OR json_extract(naming_trace, '$.given_romanized') || ' ' || json_extract(naming_trace, '$.family_romanized')
                            LIKE :p ESCAPE '\\'
                    ORDER BY created_at DESC LIMIT :limit
                    """,
                arguments: ["p": pattern, "limit": limit]
            ).map(SQLiteRows.job(from:))
        }
    }

    public func jobs(source: String, employeeID: String) async throws -> [BindJob] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM jobs WHERE source = ? AND employee_id = ? ORDER BY created_at DESC", arguments: [source, employeeID]
            ).map(SQLiteRows.job(from:))
        }
    }

    public func waitingJobs(limit: Int) async throws -> [BindJob] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM jobs WHERE status = 'queued' AND last_error IS NOT NULL ORDER BY next_attempt_at LIMIT ?",
                arguments: [limit]
            ).map(SQLiteRows.job(from:))
        }
    }

    public func intakes(jobID: String) async throws -> [IntakeRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT source, event_id, received_at FROM intakes WHERE job_id = ? ORDER BY received_at", arguments: [jobID])
                .map { IntakeRecord(source: $0["source"], eventID: $0["event_id"], receivedAt: Date(timeIntervalSince1970: $0["received_at"])) }
        }
    }

    public func callbacks(jobID: String) async throws -> [CallbackHistory] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, job_id, message_id, url, status, attempts, last_error, created_at FROM callbacks WHERE job_id = ? ORDER BY id",
                arguments: [jobID]
            ).map { row in
                let id: Int64 = row["id"]
                let deliveries = try Row.fetchAll(
                    db, sql: "SELECT attempt, at, delivered, answer FROM callback_deliveries WHERE callback_id = ? ORDER BY rowid", arguments: [id]
                ).map {
                    CallbackHistory.Delivery(
                        attempt: $0["attempt"], at: Date(timeIntervalSince1970: $0["at"]), delivered: $0["delivered"], answer: $0["answer"])
                }
                return CallbackHistory(
                    callback: CallbackRecord(
                        id: id, jobID: row["job_id"], url: row["url"], status: CallbackStatus(rawValue: row["status"]) ?? .pending,
                        attempts: row["attempts"], lastError: row["last_error"]),
                    messageID: row["message_id"], createdAt: Date(timeIntervalSince1970: row["created_at"]), deliveries: deliveries)
            }
        }
    }

    public func syncObservations(jobID: String) async throws -> [SyncObservation] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT seen_at, sync_status FROM sync_observations WHERE job_id = ? ORDER BY seen_at", arguments: [jobID])
                .map { SyncObservation(at: Date(timeIntervalSince1970: $0["seen_at"]), status: $0["sync_status"]) }
        }
    }
}
