import Foundation
import GRDB
import HireBindCore
import MailboxNaming

/// The embedded store: one SQLite file in WAL mode through GRDB, `synchronous=FULL` so that a
/// committed intake survives a power cut.
public final class SQLiteJobStore: JobStore {
    private let pool: DatabasePool
    /// How many counter suffixes are tried before an address is declared exhausted.
    private let maximumCandidates: Int

    public init(path: String, maximumCandidates: Int = 1000) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        self.pool = try DatabasePool(path: path, configuration: configuration)
        self.maximumCandidates = maximumCandidates
        try Self.migrator.migrate(pool)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE jobs (
                    id TEXT PRIMARY KEY,
                    source TEXT NOT NULL,
                    event_id TEXT NOT NULL,
                    employee_id TEXT NOT NULL,
                    feishu_user_id TEXT NOT NULL,
                    exchange_account TEXT NOT NULL,
                    admin_account TEXT NOT NULL,
                    user_id_type TEXT NOT NULL,
                    callback_url TEXT,
                    event_json BLOB NOT NULL,
                    naming_trace TEXT NOT NULL,
                    status TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at REAL NOT NULL,
                    lease_token TEXT,
                    lease_expires_at REAL,
                    binding_id TEXT,
                    sync_status TEXT,
                    last_error TEXT,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL
                );
                CREATE INDEX jobs_due ON jobs(status, next_attempt_at);
                CREATE INDEX jobs_leases ON jobs(status, lease_expires_at);
                CREATE TABLE intakes (
                    source TEXT NOT NULL,
                    event_id TEXT NOT NULL,
                    job_id TEXT NOT NULL REFERENCES jobs(id),
                    received_at REAL NOT NULL,
                    PRIMARY KEY (source, event_id)
                );
                CREATE TABLE mailboxes (
                    address TEXT PRIMARY KEY COLLATE NOCASE,
                    job_id TEXT NOT NULL REFERENCES jobs(id),
                    reserved_at REAL NOT NULL
                );
                CREATE TABLE job_attempts (
                    job_id TEXT NOT NULL REFERENCES jobs(id),
                    number INTEGER NOT NULL,
                    started_at REAL NOT NULL,
                    finished_at REAL NOT NULL,
                    outcome TEXT NOT NULL,
                    failure TEXT,
                    log_id TEXT
                );
                CREATE INDEX job_attempts_job ON job_attempts(job_id, number);
                CREATE TABLE callbacks (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    job_id TEXT NOT NULL REFERENCES jobs(id),
                    message_id TEXT NOT NULL UNIQUE,
                    url TEXT NOT NULL,
                    body BLOB NOT NULL,
                    status TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at REAL NOT NULL,
                    lease_token TEXT,
                    lease_expires_at REAL,
                    last_error TEXT,
                    created_at REAL NOT NULL,
                    delivered_at REAL
                );
                CREATE INDEX callbacks_due ON callbacks(status, next_attempt_at);
                CREATE INDEX intakes_received ON intakes(received_at);
                """)
        }
        return migrator
    }

    // MARK: Intake

    public func enqueue(_ intake: Intake, plan: MailboxPlan) async throws -> EnqueueOutcome {
        let maximumCandidates = self.maximumCandidates
        return try await pool.write { db in
            if let existing = try Self.receipt(db, source: intake.source, eventID: intake.event.eventID) {
                return .duplicate(existing)
            }
            let jobID = UUID().uuidString.lowercased()
            let now = intake.receivedAt.timeIntervalSince1970
            // The job row must exist before a reservation can reference it; its address is set once chosen.
            try db.execute(
                sql: """
                    INSERT INTO jobs (id, source, event_id, employee_id, feishu_user_id, exchange_account, admin_account,
                        user_id_type, callback_url, event_json, naming_trace, status, attempts, next_attempt_at, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, '', ?, ?, ?, ?, 'null', 'queued', 0, ?, ?, ?)
                    """,
                arguments: [
                    jobID, intake.source, intake.event.eventID, intake.event.employee.employeeID,
                    intake.event.employee.feishuUserID, plan.adminAccount ?? intake.adminAccount, intake.userIDType,
                    intake.callbackURL, try JSONEncoder().encode(intake.event), now, now, now,
                ]
            )
            var trace = plan.trace()
            // The unique key on the address decides, not an earlier read: concurrent intakes cannot share one.
            let address = try plan.choose(limit: maximumCandidates, trace: &trace) { candidate in
                try db.execute(
                    sql: "INSERT OR IGNORE INTO mailboxes (address, job_id, reserved_at) VALUES (?, ?, ?)",
                    arguments: [candidate, jobID, now]
                )
                return db.changesCount == 1
            }
            try db.execute(
                sql: "UPDATE jobs SET exchange_account = ?, naming_trace = ? WHERE id = ?",
                arguments: [address, try Self.json(trace), jobID]
            )
            try db.execute(
                sql: "INSERT INTO intakes (source, event_id, job_id, received_at) VALUES (?, ?, ?, ?)",
                arguments: [intake.source, intake.event.eventID, jobID, now]
            )
            return .created(JobReceipt(jobID: jobID, exchangeAccount: address, status: .queued))
        }
    }

    public func receipt(source: String, eventID: String) async throws -> JobReceipt? {
        try await pool.read { db in try Self.receipt(db, source: source, eventID: eventID) }
    }

    static func receipt(_ db: Database, source: String, eventID: String) throws -> JobReceipt? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT jobs.id, jobs.exchange_account, jobs.status FROM intakes
                JOIN jobs ON jobs.id = intakes.job_id WHERE intakes.source = ? AND intakes.event_id = ?
                """,
            arguments: [source, eventID]
        ).map { row in
            JobReceipt(jobID: row["id"], exchangeAccount: row["exchange_account"], status: JobStatus(rawValue: row["status"]) ?? .queued)
        }
    }

    public func takenAddresses(among addresses: [String]) async throws -> Set<String> {
        guard !addresses.isEmpty else { return [] }
        return try await pool.read { db in
            var taken: Set<String> = []
            // Chunks stay far below SQLite's limit on bound parameters.
            for start in stride(from: 0, to: addresses.count, by: 500) {
                let chunk = Array(addresses[start..<min(addresses.count, start + 500)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let rows = try String.fetchAll(db, sql: "SELECT lower(address) FROM mailboxes WHERE address IN (\(marks))", arguments: StatementArguments(chunk))
                taken.formUnion(rows)
            }
            return taken
        }
    }

    public func purgeIntakes(receivedBefore date: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM intakes WHERE received_at < ?", arguments: [date.timeIntervalSince1970])
            return db.changesCount
        }
    }

    // MARK: Jobs

    public func leaseJob(for seconds: Double, now: Date) async throws -> JobLease? {
        try await pool.write { db in
            let token = UUID().uuidString
            let t = now.timeIntervalSince1970
            guard let row = try Row.fetchOne(
                db,
                sql: """
                    UPDATE jobs SET status = 'running', lease_token = ?, lease_expires_at = ?, attempts = attempts + 1, updated_at = ?
                    WHERE id = (
                        SELECT id FROM jobs
                        WHERE (status = 'queued' AND next_attempt_at <= ?) OR (status = 'running' AND lease_expires_at <= ?)
                        ORDER BY next_attempt_at LIMIT 1
                    )
                    RETURNING *
                    """,
                arguments: [token, t + seconds, t, t, t]
            ) else { return nil }
            return JobLease(job: try Self.job(from: row), token: token, expiresAt: Date(timeIntervalSince1970: t + seconds))
        }
    }

    public func renewLease(_ lease: JobLease, for seconds: Double, now: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND lease_token = ? AND status = 'running'",
                arguments: [now.timeIntervalSince1970 + seconds, lease.job.id, lease.token]
            )
            guard db.changesCount == 1 else { throw LeaseLostError() }
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

    public func retryJob(_ lease: JobLease, attempt: JobAttempt, retryAt: Date, countsAsAttempt: Bool) async throws {
        try await pool.write { db in
            try Self.requireLease(db, lease)
            try db.execute(
                sql: """
                    UPDATE jobs SET status = 'queued', lease_token = NULL, lease_expires_at = NULL, next_attempt_at = ?,
                        last_error = ?, attempts = attempts - ?, updated_at = ? WHERE id = ?
                    """,
                arguments: [
                    retryAt.timeIntervalSince1970, try Self.json(attempt.failure), countsAsAttempt ? 0 : 1,
                    attempt.finishedAt.timeIntervalSince1970, lease.job.id,
                ]
            )
            try Self.insert(attempt, jobID: lease.job.id, db)
        }
    }

    public func finishJob(_ lease: JobLease, outcome: JobOutcome, attempt: JobAttempt, callback: BindResult?, now: Date) async throws {
        try await pool.write { db in
            try Self.requireLease(db, lease)
            let t = now.timeIntervalSince1970
            switch outcome {
            case .bound(let bindingID, let syncStatus):
                try db.execute(
                    sql: """
                        UPDATE jobs SET status = 'succeeded', binding_id = ?, sync_status = ?, last_error = NULL,
                            lease_token = NULL, lease_expires_at = NULL, updated_at = ? WHERE id = ?
                        """,
                    arguments: [bindingID, syncStatus, t, lease.job.id]
                )
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
            if let callback, let url = lease.job.callbackURL {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                // Each outcome of a job (a retried dead job has a second one) is its own message.
                let earlier = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM callbacks WHERE job_id = ?", arguments: [lease.job.id]) ?? 0
                try db.execute(
                    sql: """
                        INSERT INTO callbacks (job_id, message_id, url, body, status, attempts, next_attempt_at, created_at)
                        VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)
                        """,
                    arguments: [lease.job.id, "hb_\(lease.job.id)_\(earlier + 1)", url, try encoder.encode(callback), t, t]
                )
            }
        }
    }

    public func job(id: String) async throws -> BindJob? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]).map(Self.job(from:))
        }
    }

    public func jobs(status: JobStatus?, limit: Int) async throws -> [BindJob] {
        try await pool.read { db in
            let rows: [Row]
            if let status {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM jobs WHERE status = ? ORDER BY created_at LIMIT ?", arguments: [status.rawValue, limit])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM jobs ORDER BY created_at LIMIT ?", arguments: [limit])
            }
            return try rows.map(Self.job(from:))
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
                    failure: try Self.decode(JobFailure.self, row["failure"]),
                    logID: row["log_id"]
                )
            }
        }
    }

    // MARK: Callback outbox

    public func leaseCallback(for seconds: Double, now: Date) async throws -> CallbackDelivery? {
        try await pool.write { db in
            let token = UUID().uuidString
            let t = now.timeIntervalSince1970
            guard let row = try Row.fetchOne(
                db,
                sql: """
                    UPDATE callbacks SET status = 'delivering', lease_token = ?, lease_expires_at = ?, attempts = attempts + 1
                    WHERE id = (
                        SELECT id FROM callbacks
                        WHERE (status = 'pending' AND next_attempt_at <= ?) OR (status = 'delivering' AND lease_expires_at <= ?)
                        ORDER BY next_attempt_at LIMIT 1
                    )
                    RETURNING id, job_id, message_id, url, body, attempts, created_at
                    """,
                arguments: [token, t + seconds, t, t]
            ) else { return nil }
            return CallbackDelivery(
                id: row["id"], jobID: row["job_id"], messageID: row["message_id"], url: row["url"],
                body: [UInt8]((row["body"] as Data?) ?? Data()), attempts: row["attempts"],
                createdAt: Date(timeIntervalSince1970: row["created_at"]), token: token
            )
        }
    }

    public func callbackDelivered(_ delivery: CallbackDelivery, now: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE callbacks SET status = 'delivered', delivered_at = ?, lease_token = NULL, lease_expires_at = NULL,
                        last_error = NULL WHERE id = ? AND lease_token = ?
                    """,
                arguments: [now.timeIntervalSince1970, delivery.id, delivery.token]
            )
            guard db.changesCount == 1 else { throw LeaseLostError() }
        }
    }

    public func callbackFailed(_ delivery: CallbackDelivery, error: String, retryAt: Date?) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE callbacks SET status = ?, next_attempt_at = COALESCE(?, next_attempt_at), last_error = ?,
                        lease_token = NULL, lease_expires_at = NULL WHERE id = ? AND lease_token = ?
                    """,
                arguments: [retryAt == nil ? "dead" : "pending", retryAt?.timeIntervalSince1970, error, delivery.id, delivery.token]
            )
            guard db.changesCount == 1 else { throw LeaseLostError() }
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

    public func requeueCallback(id: Int64, now: Date) async throws -> RequeueOutcome {
        try await pool.write { db in
            guard let status = try String.fetchOne(db, sql: "SELECT status FROM callbacks WHERE id = ?", arguments: [id]) else { return .notFound }
            guard status == CallbackStatus.dead.rawValue else { return .notRetryable(status) }
            // A fresh age budget: the outbox counts from now.
            try db.execute(
                sql: "UPDATE callbacks SET status = 'pending', attempts = 0, next_attempt_at = ?, created_at = ? WHERE id = ?",
                arguments: [now.timeIntervalSince1970, now.timeIntervalSince1970, id]
            )
            return .requeued
        }
    }

    public func callbackStatus(jobID: String) async throws -> CallbackStatus? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT status FROM callbacks WHERE job_id = ? ORDER BY id DESC LIMIT 1", arguments: [jobID])
                .flatMap(CallbackStatus.init(rawValue:))
        }
    }

    public func nextDueDate(_ queue: WorkQueue) async throws -> Date? {
        let table = queue == .jobs ? "jobs" : "callbacks"
        let (waiting, leased) = queue == .jobs ? ("queued", "running") : ("pending", "delivering")
        return try await pool.read { db in
            let due = try Double.fetchOne(db, sql: """
                SELECT MIN(t) FROM (
                    SELECT MIN(next_attempt_at) AS t FROM \(table) WHERE status = '\(waiting)'
                    UNION ALL SELECT MIN(lease_expires_at) FROM \(table) WHERE status = '\(leased)'
                )
                """)
            return due.map(Date.init(timeIntervalSince1970:))
        }
    }

    // MARK: Rows

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

    static func job(from row: Row) throws -> BindJob {
        BindJob(
            id: row["id"], source: row["source"], eventID: row["event_id"], employeeID: row["employee_id"],
            feishuUserID: row["feishu_user_id"], exchangeAccount: row["exchange_account"], adminAccount: row["admin_account"],
            userIDType: row["user_id_type"], callbackURL: row["callback_url"],
            status: JobStatus(rawValue: row["status"]) ?? .queued, attempts: row["attempts"], bindingID: row["binding_id"],
            lastError: try decode(JobFailure.self, row["last_error"]),
            namingTrace: try decode(NamingTrace.self, row["naming_trace"])
        )
    }

    static func json(_ value: (some Encodable)?) throws -> String? {
        guard let value else { return nil }
        return String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String?) throws -> T? {
        guard let text, text != "null" else { return nil }
        return try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}
