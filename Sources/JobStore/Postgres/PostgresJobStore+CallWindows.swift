// PostgresJobStore+CallWindows: the SharedCallWindows contract on PostgreSQL: a row per call, booked under the method's lock.

public import Foundation
import PostgresNIO

extension PostgresJobStore: SharedCallWindows {
    /// A call still unanswered this long after it started belonged to a replica that died mid-call: it counts as
    /// having answered then (longer than any Feishu timeout hirebind allows).
    static let abandonedCallSeconds = 120.0

    public func bookCall(method: String, limits: [CallWindowLimit], now: Date) async throws -> CallBooking {
        let longest = limits.map(\.seconds).max() ?? 0
        let at = db(now)
        return try await transaction { tx in
            // Bookings of one method, from every replica, one at a time.
            try await tx.rows("SELECT pg_advisory_xact_lock(\(PostgresMigrator.callWindowLockSpace), hashtext(\(method)))")
            try await tx.rows(
                """
                DELETE FROM feishu_calls WHERE method = \(method)
                    AND COALESCE(answered_at, started_at + make_interval(secs => \(Self.abandonedCallSeconds)))
                        < \(at) - make_interval(secs => \(longest + 1))
                """)
            // The answers of the latest calls, latest first: the one `limit` places back decides each limit.
            let ends = try await tx.rows(
                """
                SELECT LEAST(COALESCE(answered_at, \(at)), started_at + make_interval(secs => \(Self.abandonedCallSeconds))) AS ended
                FROM feishu_calls WHERE method = \(method) ORDER BY ended DESC LIMIT \(limits.map(\.limit).max() ?? 0)
                """
            ).map { try $0.value("ended", as: Date.self) }
            var wait = 0.0
            for limit in limits where ends.count >= limit.limit {
                wait = max(wait, ends[limit.limit - 1].addingTimeInterval(limit.seconds).timeIntervalSince(at))
            }
            guard wait <= 0 else { return .wait(seconds: wait) }
            let id: Int64 = try await tx.rows(
                "INSERT INTO feishu_calls (method, started_at) VALUES (\(method), \(at)) RETURNING id"
            ).first!.value("id")
            return .booked(id: id)
        }
    }

    public func callAnswered(id: Int64, now: Date) async throws {
        try await rows("UPDATE feishu_calls SET answered_at = \(db(now)) WHERE id = \(id)")
    }
}
