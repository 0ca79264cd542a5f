// PostgresJobStore+Outbox: the CallbackOutbox contract on PostgreSQL: results leased, delivered, failed, requeued.

public import Foundation
import HireBindCore
import PostgresNIO

extension PostgresJobStore: CallbackOutbox {
    public func leaseCallback(for seconds: Double, now: Date) async throws -> CallbackDelivery? {
        let lease = PostgresLease(now: now, seconds: seconds)
        let claimed = try await rows(
            lease.query(
                table: "callbacks",
                set: "status = 'delivering', lease_token = $1, lease_expires_at = \(PostgresLease.until), attempts = callbacks.attempts + 1",
                from: Self.callbackSources, clock: clock))
        guard let row = claimed.first else { return nil }
        return CallbackDelivery(
            id: try row.value("id"), jobID: try row.value("job_id"), messageID: try row.value("message_id"), url: try row.value("url"),
            body: [UInt8](try row.value("body", as: Data.self)), attempts: try row.value("attempts"), createdAt: try row.value("created_at"),
            token: lease.token)
    }

    /// Due callbacks: pending ones whose time has come (partial index `callbacks_due`), and delivering ones
    /// whose lease expired (partial index `callbacks_leases`).
    static let callbackSources = [
        PostgresLease.Source(due: "status = 'pending' AND next_attempt_at <= \(PostgresLease.now)", order: "next_attempt_at"),
        PostgresLease.Source(due: "status = 'delivering' AND lease_expires_at <= \(PostgresLease.now)", order: "lease_expires_at"),
    ]

    public func callbackDelivered(_ delivery: CallbackDelivery, answer: String, now: Date) async throws {
        try await transaction { tx in
            let settled = try await tx.rows(
                """
                UPDATE callbacks SET status = 'delivered', delivered_at = \(db(now)), lease_token = NULL, lease_expires_at = NULL,
                    last_error = NULL WHERE id = \(delivery.id) AND lease_token = \(delivery.token) RETURNING id
                """)
            guard settled.count == 1 else { throw LeaseLostError() }
            try await Self.recordDelivery(delivery, delivered: true, answer: answer, now: now, tx)
        }
    }

    public func callbackFailed(_ delivery: CallbackDelivery, error: String, retryAt: Date?, now: Date) async throws {
        try await transaction { tx in
            let settled = try await tx.rows(
                """
                UPDATE callbacks SET status = \(retryAt == nil ? "dead" : "pending"), next_attempt_at = COALESCE(\(db(retryAt)), next_attempt_at),
                    last_error = \(error), lease_token = NULL, lease_expires_at = NULL
                WHERE id = \(delivery.id) AND lease_token = \(delivery.token) RETURNING id
                """)
            guard settled.count == 1 else { throw LeaseLostError() }
            try await Self.recordDelivery(delivery, delivered: false, answer: error, now: now, tx)
        }
    }

    /// One line of the callback's delivery history (the console's person page), in the settling transaction.
    static func recordDelivery(_ delivery: CallbackDelivery, delivered: Bool, answer: String, now: Date, _ tx: PostgresTransaction) async throws {
        try await tx.rows(
            """
            INSERT INTO callback_deliveries (callback_id, attempt, at, delivered, answer)
            VALUES (\(delivery.id), \(delivery.attempts), \(tx.db(now)), \(delivered), \(String(answer.prefix(1000))))
            """)
    }

    public func requeueCallback(id: Int64, now: Date) async throws -> RequeueOutcome {
        try await transaction { tx in
            guard let row = try await tx.rows("SELECT status FROM callbacks WHERE id = \(id) FOR UPDATE").first else { return .notFound }
            let status: String = try row.value("status")
            guard status == CallbackStatus.dead.rawValue else { return .notRetryable(status) }
            // A fresh age budget: the outbox counts from now.
            try await tx.rows("UPDATE callbacks SET status = 'pending', attempts = 0, next_attempt_at = \(db(now)), created_at = \(db(now)) WHERE id = \(id)")
            try await tx.announce(.callbacks)
            return .requeued
        }
    }

    public func nextCallbackDue() async throws -> Date? {
        try await rows(
            """
            SELECT LEAST((SELECT MIN(next_attempt_at) FROM callbacks WHERE status = 'pending'),
                (SELECT MIN(lease_expires_at) FROM callbacks WHERE status = 'delivering')) AS due
            """
        ).first?.value("due", as: Date?.self).map(clock.local)
    }

    /// Puts a result in the outbox and counts it on its job, whose count numbers the next result's message.
    static func insertCallback(_ callback: OutboundCallback, jobID: String, now: Date, _ tx: PostgresTransaction) async throws {
        try await tx.rows(
            """
            INSERT INTO callbacks (job_id, message_id, url, body, status, attempts, next_attempt_at, created_at)
            VALUES (\(jobID), \(callback.messageID), \(callback.url), \(Data(callback.body)), 'pending', 0, \(tx.db(now)), \(tx.db(now)))
            """)
        try await tx.rows("UPDATE jobs SET callbacks_queued = callbacks_queued + 1 WHERE id = \(jobID)")
        try await tx.announce(.callbacks)
    }
}
