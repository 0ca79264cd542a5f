// SQLiteJobStore+Admin: the AdminQueries contract on SQLite: reads for the admin API and the CLI.

import Foundation
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
