// SQLiteJobStore+Outbox: the CallbackOutbox contract on SQLite: results leased, delivered, failed, requeued.

public import Foundation
import GRDB
import HireBindCore

extension SQLiteJobStore: CallbackOutbox {
    public func leaseCallback(for seconds: Double, now: Date) async throws -> CallbackDelivery? {
        try await writes.write { db in
            let lease = SQLiteLease(now: now, seconds: seconds)
            guard
                let row = try lease.claim(
                    db, table: "callbacks",
                    set: "status = 'delivering', lease_token = :token, lease_expires_at = :until, attempts = attempts + 1",
                    from: Self.callbackSources
                )
            else { return nil }
            return CallbackDelivery(
                id: row["id"], jobID: row["job_id"], messageID: row["message_id"], url: row["url"],
                body: [UInt8]((row["body"] as Data?) ?? Data()), attempts: row["attempts"],
                createdAt: Date(timeIntervalSince1970: row["created_at"]), token: lease.token
            )
        }
    }

    /// Due callbacks: pending ones whose time has come (index `callbacks_due`), and delivering ones whose lease
    /// expired (index `callbacks_leases`).
    static let callbackSources = [
        SQLiteLease.Source(due: "status = 'pending' AND next_attempt_at <= :now", order: "next_attempt_at"),
        SQLiteLease.Source(due: "status = 'delivering' AND lease_expires_at <= :now", order: "lease_expires_at"),
    ]

    public func callbackDelivered(_ delivery: CallbackDelivery, answer: String, now: Date) async throws {
        try await writes.write { db in
            try db.execute(
                sql: """
                    UPDATE callbacks SET status = 'delivered', delivered_at = ?, lease_token = NULL, lease_expires_at = NULL,
                        last_error = NULL WHERE id = ? AND lease_token = ?
                    """,
                arguments: [now.timeIntervalSince1970, delivery.id, delivery.token]
            )
            guard db.changesCount == 1 else { throw LeaseLostError() }
            try Self.recordDelivery(delivery, delivered: true, answer: answer, now: now, db)
        }
    }

    public func callbackFailed(_ delivery: CallbackDelivery, error: String, retryAt: Date?, now: Date) async throws {
        try await writes.write { db in
            try db.execute(
                sql: """
                    UPDATE callbacks SET status = ?, next_attempt_at = COALESCE(?, next_attempt_at), last_error = ?,
                        lease_token = NULL, lease_expires_at = NULL WHERE id = ? AND lease_token = ?
                    """,
                arguments: [retryAt == nil ? "dead" : "pending", retryAt?.timeIntervalSince1970, error, delivery.id, delivery.token]
            )
            guard db.changesCount == 1 else { throw LeaseLostError() }
            try Self.recordDelivery(delivery, delivered: false, answer: error, now: now, db)
        }
    }

    /// One line of the callback's delivery history (the console's person page), in the settling transaction.
    static func recordDelivery(_ delivery: CallbackDelivery, delivered: Bool, answer: String, now: Date, _ db: Database) throws {
        try db.cachedStatement(
            sql: "INSERT INTO callback_deliveries (callback_id, attempt, at, delivered, answer) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [delivery.id, delivery.attempts, now.timeIntervalSince1970, delivered, String(answer.prefix(1000))])
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

    public func nextCallbackDue() async throws -> Date? {
        try await pool.read { db in
            try Double.fetchOne(
                db,
                sql: """
                    SELECT MIN(t) FROM (
                        SELECT MIN(next_attempt_at) AS t FROM callbacks WHERE status = 'pending'
                        UNION ALL SELECT MIN(lease_expires_at) FROM callbacks WHERE status = 'delivering'
                    )
                    """
            ).map(Date.init(timeIntervalSince1970:))
        }
    }

    /// Puts a result in the outbox and counts it on its job, whose count numbers the next result's message.
    static func insertCallback(_ callback: OutboundCallback, jobID: String, now t: Double, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO callbacks (job_id, message_id, url, body, status, attempts, next_attempt_at, created_at)
                VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)
                """,
            arguments: [jobID, callback.messageID, callback.url, Data(callback.body), t, t]
        )
        try db.execute(sql: "UPDATE jobs SET callbacks_queued = callbacks_queued + 1 WHERE id = ?", arguments: [jobID])
    }
}
