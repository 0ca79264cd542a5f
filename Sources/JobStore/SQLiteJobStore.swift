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
        // The store holds the Feishu token pair: readable by the service's user only (SQLite gives its WAL and
        // shared-memory files the same mode).
        try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
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
        migrator.registerMigration("v2: offboarding, user id lookup, sync follow-up, user token") { db in
            try db.execute(sql: """
                ALTER TABLE jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'bind';
                ALTER TABLE jobs ADD COLUMN lookup_email TEXT;
                ALTER TABLE jobs ADD COLUMN lookup_mobile TEXT;
                ALTER TABLE jobs ADD COLUMN target_job_id TEXT REFERENCES jobs(id);
                ALTER TABLE jobs ADD COLUMN sync_next_check_at REAL;
                ALTER TABLE jobs ADD COLUMN sync_deadline REAL;
                ALTER TABLE jobs ADD COLUMN sync_checks INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE jobs ADD COLUMN sync_lease_token TEXT;
                ALTER TABLE jobs ADD COLUMN sync_lease_expires_at REAL;
                CREATE INDEX jobs_sync_due ON jobs(sync_next_check_at) WHERE sync_next_check_at IS NOT NULL;
                CREATE INDEX jobs_employee ON jobs(source, employee_id, kind, created_at);
                CREATE TABLE feishu_user_token (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    access_token TEXT NOT NULL,
                    access_expires_at REAL NOT NULL,
                    refresh_token TEXT,
                    refresh_expires_at REAL,
                    scope TEXT,
                    generation INTEGER NOT NULL,
                    dead_reason TEXT,
                    refresh_holder TEXT,
                    refresh_held_until REAL,
                    updated_at REAL NOT NULL
                );
                """)
        }
        migrator.registerMigration("v3: outcome unknown") { db in
            try db.execute(sql: "ALTER TABLE jobs ADD COLUMN outcome_unknown INTEGER NOT NULL DEFAULT 0")
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
                    INSERT INTO jobs (id, source, event_id, employee_id, feishu_user_id, lookup_email, lookup_mobile, exchange_account,
                        admin_account, user_id_type, callback_url, event_json, naming_trace, status, attempts, next_attempt_at,
                        created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, 'null', 'queued', 0, ?, ?, ?)
                    """,
                arguments: [
                    jobID, intake.source, intake.event.eventID, intake.event.employee.employeeID,
                    intake.event.employee.feishuUserID ?? "", intake.event.employee.email, intake.event.employee.mobile,
                    plan.adminAccount ?? intake.adminAccount, intake.userIDType,
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

    public func enqueueUnbind(_ intake: Intake) async throws -> EnqueueOutcome {
        try await pool.write { db in
            if let existing = try Self.receipt(db, source: intake.source, eventID: intake.event.eventID) {
                return .duplicate(existing)
            }
            guard let target = try Row.fetchOne(
                db,
                sql: """
                    SELECT id, exchange_account, admin_account, feishu_user_id, user_id_type FROM jobs
                    WHERE source = ? AND employee_id = ? AND kind = 'bind' ORDER BY created_at DESC LIMIT 1
                    """,
                arguments: [intake.source, intake.event.employee.employeeID]
            ) else { throw UnknownEmployeeError(employeeID: intake.event.employee.employeeID) }
            let jobID = UUID().uuidString.lowercased()
            let now = intake.receivedAt.timeIntervalSince1970
            let address: String = target["exchange_account"]
            try db.execute(
                sql: """
                    INSERT INTO jobs (id, kind, target_job_id, source, event_id, employee_id, feishu_user_id, exchange_account,
                        admin_account, user_id_type, callback_url, event_json, naming_trace, status, attempts, next_attempt_at,
                        created_at, updated_at)
                    VALUES (?, 'unbind', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'null', 'queued', 0, ?, ?, ?)
                    """,
                arguments: [
                    jobID, target["id"] as String, intake.source, intake.event.eventID, intake.event.employee.employeeID,
                    target["feishu_user_id"] as String, address, target["admin_account"] as String, target["user_id_type"] as String,
                    intake.callbackURL, try JSONEncoder().encode(intake.event), now, now, now,
                ]
            )
            try db.execute(
                sql: "INSERT INTO intakes (source, event_id, job_id, received_at) VALUES (?, ?, ?, ?)",
                arguments: [intake.source, intake.event.eventID, jobID, now]
            )
            return .created(JobReceipt(jobID: jobID, exchangeAccount: address, status: .queued))
        }
    }

    public func resolveUserID(_ lease: JobLease, userID: String) async throws {
        try await pool.write { db in
            try Self.requireLease(db, lease)
            try db.execute(sql: "UPDATE jobs SET feishu_user_id = ? WHERE id = ?", arguments: [userID, lease.job.id])
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
                    UPDATE jobs SET status = 'running', lease_token = ?, lease_expires_at = ?, attempts = attempts + 1, updated_at = ?,
                        outcome_unknown = (outcome_unknown OR status = 'running')
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

    public func retryJob(_ lease: JobLease, attempt: JobAttempt, retryAt: Date, countsAsAttempt: Bool, outcomeUnknown: Bool) async throws {
        try await pool.write { db in
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

    public func finishJob(_ lease: JobLease, outcome: JobOutcome, attempt: JobAttempt, callback: BindResult?, now: Date) async throws {
        try await pool.write { db in
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
            case .unbound:
                try db.execute(
                    sql: """
                        UPDATE jobs SET status = 'succeeded', last_error = NULL, lease_token = NULL, lease_expires_at = NULL,
                            updated_at = ? WHERE id = ?
                        """,
                    arguments: [t, lease.job.id]
                )
                // The binding is gone: its sync is no longer followed.
                try db.execute(
                    sql: "UPDATE jobs SET sync_next_check_at = NULL WHERE id = ?",
                    arguments: [lease.job.targetJobID]
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
                try Self.insertCallback(callback, jobID: lease.job.id, url: url, now: t, db)
            }
        }
    }

    /// Puts a result in the outbox. Each result of a job (a retried dead job's, the sync result) is its own message.
    static func insertCallback(_ result: BindResult, jobID: String, url: String, now t: Double, _ db: Database) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let earlier = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM callbacks WHERE job_id = ?", arguments: [jobID]) ?? 0
        try db.execute(
            sql: """
                INSERT INTO callbacks (job_id, message_id, url, body, status, attempts, next_attempt_at, created_at)
                VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)
                """,
            arguments: [jobID, "hb_\(jobID)_\(earlier + 1)", url, try encoder.encode(result), t, t]
        )
    }

    // MARK: Sync follow-up

    public func leaseSyncCheck(for seconds: Double, now: Date) async throws -> SyncCheck? {
        try await pool.write { db in
            let token = UUID().uuidString
            let t = now.timeIntervalSince1970
            guard let row = try Row.fetchOne(
                db,
                sql: """
                    UPDATE jobs SET sync_lease_token = ?, sync_lease_expires_at = ?
                    WHERE id = (
                        SELECT id FROM jobs WHERE sync_next_check_at IS NOT NULL AND sync_next_check_at <= ?
                            AND (sync_lease_expires_at IS NULL OR sync_lease_expires_at <= ?)
                        ORDER BY sync_next_check_at LIMIT 1
                    )
                    RETURNING *
                    """,
                arguments: [token, t + seconds, t, t]
            ) else { return nil }
            return SyncCheck(
                job: try Self.job(from: row), checks: row["sync_checks"],
                deadline: Date(timeIntervalSince1970: row["sync_deadline"] ?? t), token: token
            )
        }
    }

    public func syncContinues(_ check: SyncCheck, status: String?, nextCheckAt: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE jobs SET sync_status = COALESCE(?, sync_status), sync_checks = sync_checks + 1, sync_next_check_at = ?,
                        sync_lease_token = NULL, sync_lease_expires_at = NULL WHERE id = ? AND sync_lease_token = ?
                    """,
                arguments: [status, nextCheckAt.timeIntervalSince1970, check.job.id, check.token]
            )
            guard db.changesCount == 1 else { throw LeaseLostError() }
        }
    }

    public func syncEnded(_ check: SyncCheck, status: String?, callback: BindResult?, now: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE jobs SET sync_status = COALESCE(?, sync_status), sync_checks = sync_checks + 1, sync_next_check_at = NULL,
                        sync_lease_token = NULL, sync_lease_expires_at = NULL, updated_at = ? WHERE id = ? AND sync_lease_token = ?
                    """,
                arguments: [status, now.timeIntervalSince1970, check.job.id, check.token]
            )
            guard db.changesCount == 1 else { throw LeaseLostError() }
            if let callback, let url = check.job.callbackURL {
                try Self.insertCallback(callback, jobID: check.job.id, url: url, now: now.timeIntervalSince1970, db)
            }
        }
    }

    // MARK: User token

    public func userToken() async throws -> StoredUserToken? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM feishu_user_token WHERE id = 1").map(Self.userToken(from:))
        }
    }

    public func saveUserToken(_ pair: UserTokenPair, now: Date) async throws -> StoredUserToken {
        try await pool.write { db in
            let generation = (try Int.fetchOne(db, sql: "SELECT generation FROM feishu_user_token WHERE id = 1") ?? 0) + 1
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO feishu_user_token (id, access_token, access_expires_at, refresh_token, refresh_expires_at,
                        scope, generation, dead_reason, refresh_holder, refresh_held_until, updated_at)
                    VALUES (1, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?)
                    """,
                arguments: Self.arguments(pair) + [generation, now.timeIntervalSince1970]
            )
            return StoredUserToken(pair: pair, generation: generation, deadReason: nil, updatedAt: now)
        }
    }

    public func claimTokenRefresh(holder: String, for seconds: Double, now: Date) async throws -> StoredUserToken? {
        try await pool.write { db in
            let t = now.timeIntervalSince1970
            try db.execute(
                sql: """
                    UPDATE feishu_user_token SET refresh_holder = ?, refresh_held_until = ?
                    WHERE id = 1 AND (refresh_holder IS NULL OR refresh_holder = ? OR refresh_held_until <= ?)
                    """,
                arguments: [holder, t + seconds, holder, t]
            )
            guard db.changesCount == 1 else { return nil }
            return try Row.fetchOne(db, sql: "SELECT * FROM feishu_user_token WHERE id = 1").map(Self.userToken(from:))
        }
    }

    public func commitTokenRefresh(holder: String, generation: Int, pair: UserTokenPair, now: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE feishu_user_token SET access_token = ?, access_expires_at = ?, refresh_token = ?, refresh_expires_at = ?,
                        scope = ?, generation = generation + 1, dead_reason = NULL, refresh_holder = NULL, refresh_held_until = NULL,
                        updated_at = ?
                    WHERE id = 1 AND refresh_holder = ? AND generation = ?
                    """,
                arguments: Self.arguments(pair) + [now.timeIntervalSince1970, holder, generation]
            )
            return db.changesCount == 1
        }
    }

    public func releaseTokenRefresh(holder: String, deadReason: String?) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE feishu_user_token SET refresh_holder = NULL, refresh_held_until = NULL,
                        dead_reason = COALESCE(?, dead_reason) WHERE id = 1 AND refresh_holder = ?
                    """,
                arguments: [deadReason, holder]
            )
        }
    }

    static func arguments(_ pair: UserTokenPair) -> StatementArguments {
        [
            pair.accessToken.value, pair.accessExpiresAt.timeIntervalSince1970, pair.refreshToken?.value,
            pair.refreshExpiresAt?.timeIntervalSince1970, pair.scope,
        ]
    }

    static func userToken(from row: Row) -> StoredUserToken {
        let refresh: String? = row["refresh_token"]
        let refreshExpiry: Double? = row["refresh_expires_at"]
        return StoredUserToken(
            pair: UserTokenPair(
                accessToken: Secret(row["access_token"]), accessExpiresAt: Date(timeIntervalSince1970: row["access_expires_at"]),
                refreshToken: refresh.map(Secret.init), refreshExpiresAt: refreshExpiry.map(Date.init(timeIntervalSince1970:)),
                scope: row["scope"]
            ),
            generation: row["generation"], deadReason: row["dead_reason"], updatedAt: Date(timeIntervalSince1970: row["updated_at"])
        )
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
        if queue == .syncChecks {
            return try await pool.read { db in
                try Double.fetchOne(db, sql: """
                    SELECT MIN(MAX(sync_next_check_at, COALESCE(sync_lease_expires_at, 0))) FROM jobs WHERE sync_next_check_at IS NOT NULL
                    """).map(Date.init(timeIntervalSince1970:))
            }
        }
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
            id: row["id"], kind: JobKind(rawValue: row["kind"]) ?? .bind, source: row["source"], eventID: row["event_id"],
            employeeID: row["employee_id"], feishuUserID: row["feishu_user_id"], lookupEmail: row["lookup_email"],
            lookupMobile: row["lookup_mobile"], exchangeAccount: row["exchange_account"], adminAccount: row["admin_account"],
            userIDType: row["user_id_type"], callbackURL: row["callback_url"],
            status: JobStatus(rawValue: row["status"]) ?? .queued, attempts: row["attempts"], bindingID: row["binding_id"],
            syncStatus: row["sync_status"], followingSync: (row["sync_next_check_at"] as Double?) != nil,
            targetJobID: row["target_job_id"], outcomeUnknown: row["outcome_unknown"],
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
