// PostgresClock: the database's clock for every due time and lease, so that replicas' clocks never decide.

import Foundation
import Logging
import PostgresNIO
import Synchronization

/// How far the database server's clock is from this process's, so that every time the store writes or compares
/// (due times, leases, claims, history) is on the database's clock: a replica whose clock runs a minute fast
/// neither takes another's live lease nor runs retries early. The offset is measured as NTP does, from the
/// midpoint of a round trip that reads `clock_timestamp()`, and again every ``remeasureAfter``; every time of one
/// store moves by the same offset, so "in 30 seconds" stays 30 seconds and two times compare as they did.
final class PostgresClock: Sendable {
    private struct State {
        var offset: Double = 0
        var measuredAt: ContinuousClock.Instant?
    }
    private let state = Mutex(State())
    static let remeasureAfter: Duration = .seconds(30)

    /// A time of this process's, on the database's clock.
    func database(_ date: Date) -> Date {
        date.addingTimeInterval(state.withLock { $0.offset })
    }

    /// A time read from the database, on this process's clock.
    func local(_ date: Date) -> Date {
        date.addingTimeInterval(-state.withLock { $0.offset })
    }

    var needsMeasuring: Bool {
        state.withLock { state in state.measuredAt.map { ContinuousClock.now - $0 > Self.remeasureAfter } ?? true }
    }

    /// Measures the offset over `connection` (the best of three round trips: the shortest says the most).
    func measure(on connection: PostgresConnection, logger: Logger) async throws {
        var best: (roundTrip: Double, offset: Double)?
        for _ in 0..<3 {
            try connection.ensureOpen()
            let sent = Date()
            let rows = try await connection.query("SELECT clock_timestamp() AS now", logger: logger).collect()
            let received = Date()
            guard let server = try rows.first?.makeRandomAccess()["now"].decode(Date.self) else { continue }
            let roundTrip = received.timeIntervalSince(sent)
            let offset = server.timeIntervalSince(sent.addingTimeInterval(roundTrip / 2))
            if best == nil || roundTrip < best!.roundTrip { best = (roundTrip, offset) }
        }
        guard let best else { return }
        state.withLock { state in
            state.offset = best.offset
            state.measuredAt = .now
        }
    }
}

extension PostgresJobStore {
    /// A time of the caller's, as the database's clock reads it (see ``PostgresClock``).
    func db(_ date: Date) -> Date { clock.database(date) }
    func db(_ date: Date?) -> Date? { date.map(clock.database) }
}

extension PostgresTransaction {
    func db(_ date: Date) -> Date { clock.database(date) }
    func db(_ date: Date?) -> Date? { date.map(clock.database) }
}
