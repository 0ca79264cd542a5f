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
        try await intake(
            PostgresIntake(
                kind: .bind, source: job.source, eventID: job.eventID, employeeID: job.employeeID, receivedAt: job.receivedAt,
                callbackURL: job.callbackURL, feishuUserID: job.feishuUserID ?? "", lookupEmail: job.lookupEmail,
                lookupMobile: job.lookupMobile, exchangeAccount: job.exchangeAccount, adminAccount: job.adminAccount,
                userIDType: job.userIDType, namingTrace: try PostgresRows.json(job.namingTrace) ?? "null", personName: job.personName,
                unlessBound: job.unlessBound, reclaims: job.reclaimsAddressOf))
    }

    public func enqueueUnbind(_ request: NewUnbindJob) async throws -> EnqueueOutcome {
        try await intake(
            PostgresIntake(
                kind: .unbind, source: request.source, eventID: request.eventID, employeeID: request.employeeID,
                receivedAt: request.receivedAt, callbackURL: request.callbackURL))
    }

    public func enqueueRead(_ request: NewReadJob) async throws -> EnqueueOutcome {
        try await intake(
            PostgresIntake(
                kind: .read, source: request.source, eventID: request.eventID, employeeID: request.personID,
                receivedAt: request.receivedAt, callbackURL: request.callbackURL, notBefore: request.notBefore))
    }

    public func recordRefusal(
        source: String, eventID: String, employeeID: String, failure: JobFailure, receivedAt: Date
    ) async throws -> EnqueueOutcome {
        try await intake(
            PostgresIntake(
                kind: .refusal, source: source, eventID: eventID, employeeID: employeeID, receivedAt: receivedAt,
                failure: try PostgresRows.json(failure)))
    }

    /// One intake, committed with whatever else this replica takes in at the moment (``PostgresIntakeBatcher``).
    private func intake(_ intake: PostgresIntake) async throws -> EnqueueOutcome {
        switch try await intakes.submit(intake) {
        case .outcome(let outcome): outcome
        case .unknownEmployee: throw UnknownEmployeeError(employeeID: intake.employeeID)
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
