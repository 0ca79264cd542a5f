// SQLiteJobStore+Intake: the IntakeLedger contract on SQLite: dedupe, address reservations, new jobs.

public import Foundation
import GRDB
public import HireBindCore

extension SQLiteJobStore: IntakeLedger {
    public func receipt(source: String, eventID: String) async throws -> JobReceipt? {
        try await pool.read { db in try Self.receipt(db, source: source, eventID: eventID) }
    }

    public func takenAddresses(among addresses: [String]) async throws -> Set<String> {
        guard !addresses.isEmpty else { return [] }
        return try await pool.read { db in
            var taken: Set<String> = []
            // Chunks stay far below SQLite's limit on bound parameters.
            for start in stride(from: 0, to: addresses.count, by: 500) {
                let chunk = Array(addresses[start..<min(addresses.count, start + 500)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let rows = try String.fetchAll(
                    db.cachedStatement(sql: "SELECT lower(address) FROM mailboxes WHERE address IN (\(marks))"), arguments: StatementArguments(chunk)
                )
                taken.formUnion(rows)
            }
            return taken
        }
    }

    public func enqueueBind(_ job: NewBindJob) async throws -> EnqueueOutcome {
        do {
            return try await writes.write { db in
                if let existing = try Self.receipt(db, source: job.source, eventID: job.eventID) {
                    return .duplicate(existing)
                }
                // Inside the write transaction: no other intake can bind the person between this look and the insert.
                if job.unlessBound, let bound = try Self.activeBindJob(db, source: job.source, employeeID: job.employeeID) {
                    return .duplicate(JobReceipt(jobID: bound.id, exchangeAccount: bound.exchangeAccount, status: bound.status))
                }
                let jobID = UUID().uuidString.lowercased()
                let now = job.receivedAt.timeIntervalSince1970
                try db.cachedStatement(
                    sql: """
                        INSERT INTO jobs (id, source, event_id, employee_id, feishu_user_id, lookup_email, lookup_mobile, exchange_account,
                            admin_account, user_id_type, callback_url, naming_trace, person_name, status, attempts, next_attempt_at,
                            created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?)
                        """
                ).execute(
                    arguments: [
                        jobID, job.source, job.eventID, job.employeeID, job.feishuUserID ?? "", job.lookupEmail, job.lookupMobile,
                        job.exchangeAccount, job.adminAccount, job.userIDType, job.callbackURL, try Self.json(job.namingTrace) ?? "null",
                        job.personName, now, now, now,
                    ]
                )
                if let former = job.reclaimsAddressOf {
                    // A rehire given their address back: the reservation moves only from the person's former job.
                    try db.cachedStatement(sql: "UPDATE mailboxes SET job_id = ? WHERE address = ? AND job_id = ?").execute(
                        arguments: [jobID, job.exchangeAccount, former])
                } else {
                    // The unique key on the address decides, not an earlier read: concurrent intakes cannot share one.
                    try db.cachedStatement(sql: "INSERT OR IGNORE INTO mailboxes (address, job_id, reserved_at) VALUES (?, ?, ?)").execute(
                        arguments: [job.exchangeAccount, jobID, now])
                }
                guard db.changesCount == 1 else { throw AddressHeld() }
                try Self.recordIntake(source: job.source, eventID: job.eventID, jobID: jobID, at: now, db)
                return .created(JobReceipt(jobID: jobID, exchangeAccount: job.exchangeAccount, status: .queued))
            }
        } catch is AddressHeld {
            return .addressTaken(job.exchangeAccount)
        }
    }

    /// Thrown inside the transaction to roll the job row back when its address is held.
    private struct AddressHeld: Error {}

    public func enqueueUnbind(_ request: NewUnbindJob) async throws -> EnqueueOutcome {
        try await writes.write { db in
            if let existing = try Self.receipt(db, source: request.source, eventID: request.eventID) {
                return .duplicate(existing)
            }
            guard
                let target = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT id, exchange_account, admin_account, feishu_user_id, user_id_type, person_name FROM jobs
                        WHERE source = ? AND employee_id = ? AND kind = 'bind' ORDER BY created_at DESC LIMIT 1
                        """,
                    arguments: [request.source, request.employeeID]
                )
            else { throw UnknownEmployeeError(employeeID: request.employeeID) }
            let jobID = UUID().uuidString.lowercased()
            let now = request.receivedAt.timeIntervalSince1970
            let address: String = target["exchange_account"]
            try db.execute(
                sql: """
                    INSERT INTO jobs (id, kind, target_job_id, source, event_id, employee_id, feishu_user_id, exchange_account,
                        admin_account, user_id_type, callback_url, naming_trace, person_name, status, attempts, next_attempt_at,
                        created_at, updated_at)
                    VALUES (?, 'unbind', ?, ?, ?, ?, ?, ?, ?, ?, ?, 'null', ?, 'queued', 0, ?, ?, ?)
                    """,
                arguments: [
                    jobID, target["id"] as String, request.source, request.eventID, request.employeeID,
                    target["feishu_user_id"] as String, address, target["admin_account"] as String, target["user_id_type"] as String,
                    request.callbackURL, target["person_name"] as String?, now, now, now,
                ]
            )
            try Self.recordIntake(source: request.source, eventID: request.eventID, jobID: jobID, at: now, db)
            return .created(JobReceipt(jobID: jobID, exchangeAccount: address, status: .queued))
        }
    }

    public func enqueueRead(_ request: NewReadJob) async throws -> EnqueueOutcome {
        try await writes.write { db in
            if let existing = try Self.receipt(db, source: request.source, eventID: request.eventID) {
                return .duplicate(existing)
            }
            let jobID = UUID().uuidString.lowercased()
            let now = request.receivedAt.timeIntervalSince1970
            try db.execute(
                sql: """
                    INSERT INTO jobs (id, kind, source, event_id, employee_id, feishu_user_id, exchange_account, admin_account, user_id_type,
                        callback_url, naming_trace, status, attempts, next_attempt_at, created_at, updated_at)
                    VALUES (?, 'read_person', ?, ?, ?, '', '', '', '', ?, 'null', 'queued', 0, ?, ?, ?)
                    """,
                arguments: [
                    jobID, request.source, request.eventID, request.personID, request.callbackURL, request.notBefore.timeIntervalSince1970, now, now,
                ]
            )
            try Self.recordIntake(source: request.source, eventID: request.eventID, jobID: jobID, at: now, db)
            return .created(JobReceipt(jobID: jobID, exchangeAccount: "", status: .queued))
        }
    }

    public func recordRefusal(
        source: String, eventID: String, employeeID: String, failure: JobFailure, receivedAt: Date
    ) async throws -> EnqueueOutcome {
        try await writes.write { db in
            if let existing = try Self.receipt(db, source: source, eventID: eventID) {
                return .duplicate(existing)
            }
            let jobID = UUID().uuidString.lowercased()
            let now = receivedAt.timeIntervalSince1970
            try db.execute(
                sql: """
                    INSERT INTO jobs (id, kind, source, event_id, employee_id, feishu_user_id, exchange_account, admin_account, user_id_type,
                        naming_trace, status, attempts, next_attempt_at, last_error, created_at, updated_at)
                    VALUES (?, 'refused', ?, ?, ?, '', '', '', '', 'null', 'failed', 0, ?, ?, ?, ?)
                    """,
                arguments: [jobID, source, eventID, employeeID, now, try Self.json(failure), now, now]
            )
            try Self.recordIntake(source: source, eventID: eventID, jobID: jobID, at: now, db)
            return .created(JobReceipt(jobID: jobID, exchangeAccount: "", status: .failed))
        }
    }

    public func activeBindJob(source: String, employeeID: String) async throws -> BindJob? {
        try await pool.read { db in try Self.activeBindJob(db, source: source, employeeID: employeeID) }
    }

    public func formerBindJob(source: String, employeeID: String) async throws -> BindJob? {
        try await pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT * FROM jobs AS bind WHERE source = ? AND employee_id = ? AND kind = 'bind'
                        AND EXISTS (SELECT 1 FROM jobs AS unbind WHERE unbind.kind = 'unbind' AND unbind.target_job_id = bind.id)
                    ORDER BY created_at DESC LIMIT 1
                    """,
                arguments: [source, employeeID]
            ).map(SQLiteRows.job(from:))
        }
    }

    public func boundEmployees(source: String) async throws -> [String: String] {
        try await pool.read { db in
            var bound: [String: String] = [:]
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT employee_id, id FROM jobs AS bind WHERE source = ? AND kind = 'bind' AND status = 'succeeded'
                        AND NOT EXISTS (SELECT 1 FROM jobs AS unbind WHERE unbind.kind = 'unbind' AND unbind.target_job_id = bind.id)
                    """,
                arguments: [source]
            )
            for row in rows { bound[row["employee_id"]] = row["id"] }
            return bound
        }
    }

    static func activeBindJob(_ db: Database, source: String, employeeID: String) throws -> BindJob? {
        // Cached: every hire of an HR source asks it inside the intake's transaction.
        try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT * FROM jobs AS bind WHERE source = ? AND employee_id = ? AND kind = 'bind'
                        AND NOT EXISTS (SELECT 1 FROM jobs AS unbind WHERE unbind.kind = 'unbind' AND unbind.target_job_id = bind.id)
                    ORDER BY created_at DESC LIMIT 1
                    """),
            arguments: [source, employeeID]
        ).map(SQLiteRows.job(from:))
    }

    public func purgeIntakes(receivedBefore date: Date, limit: Int) async throws -> Int {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM intakes WHERE rowid IN (SELECT rowid FROM intakes WHERE received_at < ? ORDER BY received_at LIMIT ?)",
                arguments: [date.timeIntervalSince1970, limit])
            return db.changesCount
        }
    }

    static func recordIntake(source: String, eventID: String, jobID: String, at time: Double, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO intakes (source, event_id, job_id, received_at) VALUES (?, ?, ?, ?)").execute(
            arguments: [source, eventID, jobID, time])
    }

    static func receipt(_ db: Database, source: String, eventID: String) throws -> JobReceipt? {
        try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT jobs.id, jobs.exchange_account, jobs.status FROM intakes
                    JOIN jobs ON jobs.id = intakes.job_id WHERE intakes.source = ? AND intakes.event_id = ?
                    """),
            arguments: [source, eventID]
        ).map { row in
            JobReceipt(jobID: row["id"], exchangeAccount: row["exchange_account"], status: JobStatus(rawValue: row["status"]) ?? .queued)
        }
    }
}
