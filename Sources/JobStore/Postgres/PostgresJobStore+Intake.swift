// PostgresJobStore+Intake: the IntakeLedger contract on PostgreSQL: dedupe, address reservations, new jobs.

public import Foundation
public import HireBindCore
import PostgresNIO

extension PostgresJobStore: IntakeLedger {
    public func receipt(source: String, eventID: String) async throws -> JobReceipt? {
        try await rows(Self.receiptQuery(source: source, eventID: eventID)).first.map(Self.receipt(from:))
    }

    public func takenAddresses(among addresses: [String]) async throws -> Set<String> {
        guard !addresses.isEmpty else { return [] }
        let lowered = addresses.map { $0.lowercased() }
        return Set(try await rows("SELECT lower(address) AS address FROM mailboxes WHERE lower(address) = ANY(\(lowered))").map { try $0.value("address") })
    }

    public func enqueueBind(_ job: NewBindJob) async throws -> EnqueueOutcome {
        try await intake(source: job.source, eventID: job.eventID) { tx in
            try await tx.lockPerson(source: job.source, employeeID: job.employeeID)
            if let existing = try await tx.rows(Self.receiptQuery(source: job.source, eventID: job.eventID)).first {
                return .duplicate(try Self.receipt(from: existing))
            }
            // Under the person's lock: no other replica can bind the person between this look and the insert.
            if job.unlessBound, let bound = try await tx.rows(Self.activeBindJobQuery(source: job.source, employeeID: job.employeeID)).first {
                let job = try PostgresRows.job(from: bound)
                return .duplicate(JobReceipt(jobID: job.id, exchangeAccount: job.exchangeAccount, status: job.status))
            }
            let jobID = UUID().uuidString.lowercased()
            let trace = try PostgresRows.json(job.namingTrace) ?? "null"
            try await tx.rows(
                """
                INSERT INTO jobs (id, source, event_id, employee_id, feishu_user_id, lookup_email, lookup_mobile, exchange_account,
                    admin_account, user_id_type, callback_url, naming_trace, person_name, status, attempts, next_attempt_at, created_at, updated_at)
                VALUES (\(jobID), \(job.source), \(job.eventID), \(job.employeeID), \(job.feishuUserID ?? ""), \(job.lookupEmail),
                    \(job.lookupMobile), \(job.exchangeAccount), \(job.adminAccount), \(job.userIDType), \(job.callbackURL), \(trace),
                    \(job.personName), 'queued', 0, \(db(job.receivedAt)), \(db(job.receivedAt)), \(db(job.receivedAt)))
                """)
            let reserved: [PostgresRandomAccessRow]
            if let former = job.reclaimsAddressOf {
                // A rehire given their address back: the reservation moves only from the person's former job.
                reserved = try await tx.rows(
                    """
                    UPDATE mailboxes SET job_id = \(jobID) WHERE lower(address) = lower(\(job.exchangeAccount)) AND job_id = \(former)
                    RETURNING job_id
                    """)
            } else {
                // The unique index decides, across replicas: a concurrent intake of the same address waits for this
                // transaction and then finds the address held.
                reserved = try await tx.rows(
                    """
                    INSERT INTO mailboxes (address, job_id, reserved_at) VALUES (\(job.exchangeAccount), \(jobID), \(db(job.receivedAt)))
                    ON CONFLICT ((lower(address))) DO NOTHING RETURNING job_id
                    """)
            }
            guard reserved.count == 1 else { throw PostgresAddressHeld(address: job.exchangeAccount) }
            try await Self.recordIntake(source: job.source, eventID: job.eventID, jobID: jobID, at: job.receivedAt, tx)
            return .created(JobReceipt(jobID: jobID, exchangeAccount: job.exchangeAccount, status: .queued))
        }
    }

    public func enqueueUnbind(_ request: NewUnbindJob) async throws -> EnqueueOutcome {
        try await intake(source: request.source, eventID: request.eventID) { tx in
            try await tx.lockPerson(source: request.source, employeeID: request.employeeID)
            if let existing = try await tx.rows(Self.receiptQuery(source: request.source, eventID: request.eventID)).first {
                return .duplicate(try Self.receipt(from: existing))
            }
            guard
                let target = try await tx.rows(
                    """
                    SELECT id, exchange_account, admin_account, feishu_user_id, user_id_type, person_name FROM jobs
                    WHERE source = \(request.source) AND employee_id = \(request.employeeID) AND kind = 'bind' ORDER BY created_at DESC LIMIT 1
                    """
                ).first
            else { throw UnknownEmployeeError(employeeID: request.employeeID) }
            let jobID = UUID().uuidString.lowercased()
            let address: String = try target.value("exchange_account")
            try await tx.rows(
                """
                INSERT INTO jobs (id, kind, target_job_id, source, event_id, employee_id, feishu_user_id, exchange_account, admin_account,
                    user_id_type, callback_url, naming_trace, person_name, status, attempts, next_attempt_at, created_at, updated_at)
                VALUES (\(jobID), 'unbind', \(try target.value("id", as: String.self)), \(request.source), \(request.eventID),
                    \(request.employeeID), \(try target.value("feishu_user_id", as: String.self)), \(address),
                    \(try target.value("admin_account", as: String.self)), \(try target.value("user_id_type", as: String.self)),
                    \(request.callbackURL), 'null', \(try target.value("person_name", as: String?.self)), 'queued', 0,
                    \(db(request.receivedAt)), \(db(request.receivedAt)), \(db(request.receivedAt)))
                """)
            try await Self.recordIntake(source: request.source, eventID: request.eventID, jobID: jobID, at: request.receivedAt, tx)
            return .created(JobReceipt(jobID: jobID, exchangeAccount: address, status: .queued))
        }
    }

    public func enqueueRead(_ request: NewReadJob) async throws -> EnqueueOutcome {
        try await intake(source: request.source, eventID: request.eventID) { tx in
            if let existing = try await tx.rows(Self.receiptQuery(source: request.source, eventID: request.eventID)).first {
                return .duplicate(try Self.receipt(from: existing))
            }
            let jobID = UUID().uuidString.lowercased()
            try await tx.rows(
                """
                INSERT INTO jobs (id, kind, source, event_id, employee_id, feishu_user_id, exchange_account, admin_account, user_id_type,
                    callback_url, naming_trace, status, attempts, next_attempt_at, created_at, updated_at)
                VALUES (\(jobID), 'read_person', \(request.source), \(request.eventID), \(request.personID), '', '', '', '',
                    \(request.callbackURL), 'null', 'queued', 0, \(db(request.notBefore)), \(db(request.receivedAt)), \(db(request.receivedAt)))
                """)
            try await Self.recordIntake(source: request.source, eventID: request.eventID, jobID: jobID, at: request.receivedAt, tx)
            return .created(JobReceipt(jobID: jobID, exchangeAccount: "", status: .queued))
        }
    }

    public func recordRefusal(
        source: String, eventID: String, employeeID: String, failure: JobFailure, receivedAt: Date
    ) async throws -> EnqueueOutcome {
        let failureJSON = try PostgresRows.json(failure)
        return try await intake(source: source, eventID: eventID) { tx in
            if let existing = try await tx.rows(Self.receiptQuery(source: source, eventID: eventID)).first {
                return .duplicate(try Self.receipt(from: existing))
            }
            let jobID = UUID().uuidString.lowercased()
            try await tx.rows(
                """
                INSERT INTO jobs (id, kind, source, event_id, employee_id, feishu_user_id, exchange_account, admin_account, user_id_type,
                    naming_trace, status, attempts, next_attempt_at, last_error, created_at, updated_at)
                VALUES (\(jobID), 'refused', \(source), \(eventID), \(employeeID), '', '', '', '', 'null', 'failed', 0, \(db(receivedAt)),
                    \(failureJSON), \(db(receivedAt)), \(db(receivedAt)))
                """)
            try await Self.recordIntake(source: source, eventID: eventID, jobID: jobID, at: receivedAt, tx)
            return .created(JobReceipt(jobID: jobID, exchangeAccount: "", status: .failed))
        }
    }

    public func activeBindJob(source: String, employeeID: String) async throws -> BindJob? {
        try await rows(Self.activeBindJobQuery(source: source, employeeID: employeeID)).first.map(PostgresRows.job(from:))
    }

    public func formerBindJob(source: String, employeeID: String) async throws -> BindJob? {
        try await rows(
            """
            SELECT * FROM jobs AS bind WHERE source = \(source) AND employee_id = \(employeeID) AND kind = 'bind'
                AND EXISTS (SELECT 1 FROM jobs AS unbind WHERE unbind.kind = 'unbind' AND unbind.target_job_id = bind.id)
            ORDER BY created_at DESC LIMIT 1
            """
        ).first.map(PostgresRows.job(from:))
    }

    public func boundEmployees(source: String) async throws -> [String: String] {
        var bound: [String: String] = [:]
        for row in try await rows(
            """
            SELECT employee_id, id FROM jobs AS bind WHERE source = \(source) AND kind = 'bind' AND status = 'succeeded'
                AND NOT EXISTS (SELECT 1 FROM jobs AS unbind WHERE unbind.kind = 'unbind' AND unbind.target_job_id = bind.id)
            """)
        {
            bound[try row.value("employee_id")] = try row.value("id")
        }
        return bound
    }

    public func purgeIntakes(receivedBefore date: Date, limit: Int) async throws -> Int {
        try await rows(
            """
            DELETE FROM intakes WHERE (source, event_id) IN (
                SELECT source, event_id FROM intakes WHERE received_at < \(db(date)) ORDER BY received_at LIMIT \(limit))
            RETURNING 1
            """
        ).count
    }

    /// One intake's transaction. Two replicas taking the same event at once: the second's insert of the intake
    /// record waits for the first's commit and then conflicts; it rolls back and answers the first's receipt.
    private func intake(source: String, eventID: String, _ body: (PostgresTransaction) async throws -> EnqueueOutcome) async throws -> EnqueueOutcome {
        do {
            return try await transaction(body)
        } catch let held as PostgresAddressHeld {
            return .addressTaken(held.address)
        } catch let error as PostgresStoreError where error.isUniqueViolation(constraint: "intakes_pkey") {
            if let first = try await receipt(source: source, eventID: eventID) { return .duplicate(first) }
            throw error
        }
    }

    /// The event's intake record (its id is a duplicate from now on), and the notice that wakes idle replicas.
    static func recordIntake(source: String, eventID: String, jobID: String, at time: Date, _ tx: PostgresTransaction) async throws {
        try await tx.rows("INSERT INTO intakes (source, event_id, job_id, received_at) VALUES (\(source), \(eventID), \(jobID), \(tx.db(time)))")
        try await tx.announce(.jobs)
    }

    static func receiptQuery(source: String, eventID: String) -> PostgresQuery {
        """
        SELECT jobs.id, jobs.exchange_account, jobs.status FROM intakes
        JOIN jobs ON jobs.id = intakes.job_id WHERE intakes.source = \(source) AND intakes.event_id = \(eventID)
        """
    }

    static func receipt(from row: PostgresRandomAccessRow) throws -> JobReceipt {
        JobReceipt(
            jobID: try row.value("id"), exchangeAccount: try row.value("exchange_account"),
            status: JobStatus(rawValue: try row.value("status")) ?? .queued)
    }

    static func activeBindJobQuery(source: String, employeeID: String) -> PostgresQuery {
        """
        SELECT * FROM jobs AS bind WHERE source = \(source) AND employee_id = \(employeeID) AND kind = 'bind'
            AND NOT EXISTS (SELECT 1 FROM jobs AS unbind WHERE unbind.kind = 'unbind' AND unbind.target_job_id = bind.id)
        ORDER BY created_at DESC LIMIT 1
        """
    }
}

/// Thrown inside the intake's transaction to roll the job row back when its address is held.
struct PostgresAddressHeld: Error {
    var address: String
}
