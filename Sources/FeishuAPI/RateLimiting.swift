// RateLimiting: the seam every Feishu call waits at: one process's limiter, or one shared by every replica.

/// Decides when a call of one method may start, so that Feishu's windows never overflow. In one process that is
/// ``SlidingWindowRateLimiter``; several replicas share one budget through their store instead (the service
/// assembles that), so that the limits hold however the calls are spread.
public protocol RateLimiting: Sendable {
    /// Waits until a call may start, and counts it.
    func acquire() async throws -> RateLimitTicket
    /// The call answered, failed or was given up on: the windows count from this moment.
    func finish(_ ticket: RateLimitTicket) async
}

/// A booked call, handed back to ``RateLimiting/finish(_:)``.
public struct RateLimitTicket: Sendable, Hashable {
    public let id: Int64

    public init(id: Int64) {
        self.id = id
    }
}
