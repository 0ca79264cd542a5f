// SharedCallWindows: the store's contract for one Feishu rate budget across every replica.

public import Foundation

/// One limit: at most `limit` calls in any window of `seconds`, counted from the calls' answers.
public struct CallWindowLimit: Sendable, Hashable {
    public var limit: Int
    public var seconds: Double

    public init(limit: Int, seconds: Double) {
        self.limit = limit
        self.seconds = seconds
    }
}

/// What booking a call answered: it may start (hand `id` back when it answered), or try again after a while.
public enum CallBooking: Sendable, Hashable {
    case booked(id: Int64)
    case wait(seconds: Double)
}

/// Feishu's per-method limits held across replicas: every replica books each call in the store before making it,
/// so that however the calls are spread, no window holds more than its limit. A call may start once, for each
/// limit, the `limit`-th latest call of the method answered at least a window ago (a call still in flight counts
/// as answering now), the rule one process's limiter keeps too. Only an engine shared by several processes has it.
public protocol SharedCallWindows: Sendable {
    /// Books a call of `method` now when every limit allows it; otherwise says how long until one might.
    func bookCall(method: String, limits: [CallWindowLimit], now: Date) async throws -> CallBooking
    /// The booked call answered (or failed, or was given up on) at `now`.
    func callAnswered(id: Int64, now: Date) async throws
}
