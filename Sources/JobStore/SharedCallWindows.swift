// SharedCallWindows: the store's contract for one Feishu rate budget across every replica.

public import Foundation

/// One limit: at most `limit` calls in any window of `seconds`, counted from the calls' answers (a server's
/// limit), or from their starts (`countsStarts`: a pace of one's own, which loses no call's latency).
public struct CallWindowLimit: Sendable, Hashable {
    public var limit: Int
    public var seconds: Double
    public var countsStarts: Bool

    public init(limit: Int, seconds: Double, countsStarts: Bool = false) {
        self.limit = limit
        self.seconds = seconds
        self.countsStarts = countsStarts
    }
}

/// What booking a call answered: it may start at `startsAt` (now, or a moment later that a pace has kept for it;
/// hand `id` back when it answered), or try again after a while.
public enum CallBooking: Sendable, Hashable {
    case booked(id: Int64, startsAt: Date)
    case wait(seconds: Double)
}

/// Feishu's per-method limits held across replicas: every replica books each call in the store before making it,
/// so that however the calls are spread, no window holds more than its limit. A call may start once, for each
/// limit, the `limit`-th latest call of the method answered at least a window ago (a call still in flight counts
/// as answering now), or, for a limit that `countsStarts`, started a window ago: the rules one process's limiter
/// keeps too. A limit counted from starts keeps a slot ahead (``CallBooking/booked(id:startsAt:)``), so that the
/// pace loses nothing to the time a waiting caller takes to come back. Only an engine shared by several processes has it.
public protocol SharedCallWindows: Sendable {
    /// Books a call of `method` now when every limit allows it; otherwise says how long until one might.
    func bookCall(method: String, limits: [CallWindowLimit], now: Date) async throws -> CallBooking
    /// The booked call answered (or failed, or was given up on) at `now`.
    func callAnswered(id: Int64, now: Date) async throws
}
