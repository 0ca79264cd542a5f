// PostgresJobStore+CallWindows: the SharedCallWindows contract on PostgreSQL: a row per call, booked under the method's lock.

public import Foundation
import PostgresNIO

extension PostgresJobStore: SharedCallWindows {
    /// A call still unanswered this long after it started belonged to a replica that died mid-call: it counts as
    /// having answered then (longer than any Feishu timeout hirebind allows).
    static let abandonedCallSeconds = 120.0
    /// How far ahead a pace's slot is kept for a caller; one further off is asked for again later.
    static let bookingHorizonSeconds = 5.0

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
            // The answers of the latest calls, latest first: the one `limit` places back decides each limit. A call
            // not answered yet counts as answering now, or at its start if that is still ahead.
            let ends = try await tx.rows(
                """
                SELECT LEAST(COALESCE(answered_at, GREATEST(\(at), started_at)), started_at + make_interval(secs => \(Self.abandonedCallSeconds)))
                    AS ended
                FROM feishu_calls WHERE method = \(method) ORDER BY ended DESC LIMIT \(limits.map(\.limit).max() ?? 0)
                """
            ).map { try $0.value("ended", as: Date.self) }
            // The latest starts, latest first, for the limits counted from starts.
            let paced = limits.filter(\.countsStarts).map(\.limit).max() ?? 0
            let starts =
                paced == 0
                ? []
                : try await tx.rows(
                    "SELECT started_at FROM feishu_calls WHERE method = \(method) ORDER BY started_at DESC LIMIT \(paced)"
                ).map { try $0.value("started_at", as: Date.self) }
            // A limit counted from answers must allow the call now (an answer may come later than assumed); a pace
            // counted from starts keeps the call its slot, now or a moment ahead, so that no time is lost to the
            // caller's sleep and the next booking.
            var wait = 0.0
            var slot = at
            for limit in limits {
                let latest = limit.countsStarts ? starts : ends
                guard latest.count >= limit.limit else { continue }
                let free = latest[limit.limit - 1].addingTimeInterval(limit.seconds)
                if limit.countsStarts {
                    slot = max(slot, free)
                } else {
                    wait = max(wait, free.timeIntervalSince(at))
                }
            }
            guard wait <= 0 else { return .wait(seconds: wait) }
            let ahead = slot.timeIntervalSince(at)
            guard ahead <= Self.bookingHorizonSeconds else { return .wait(seconds: ahead - Self.bookingHorizonSeconds) }
            let id: Int64 = try await tx.rows(
                "INSERT INTO feishu_calls (method, started_at) VALUES (\(method), \(slot)) RETURNING id"
            ).first!.value("id")
            return .booked(id: id, startsAt: tx.clock.local(slot))
        }
    }

    public func callAnswered(id: Int64, now: Date) async throws {
        try await rows("UPDATE feishu_calls SET answered_at = \(db(now)) WHERE id = \(id)")
    }
}
