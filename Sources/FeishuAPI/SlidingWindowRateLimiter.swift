/// Spaces calls so that no window of `window` length ever holds more than `limit` of them,
/// however the server aligns its windows: the n-th call goes no earlier than the (n-limit)-th plus `window`.
/// Several limits apply together (Feishu: 50 per second and 1000 per minute).
public actor SlidingWindowRateLimiter {
    public struct Limit: Sendable, Hashable {
        public var limit: Int
        public var window: Duration

        public init(_ limit: Int, per window: Duration) {
            self.limit = limit
            self.window = window
        }
    }

    /// Feishu's exchange binding limits, with a margin for the time between a call's booked start and its
    /// arrival, which varies with load: 0.1 s a second, 1 s a minute (98.4 % of 1000/min sustained).
    public static let feishuExchangeBindings = [
        Limit(50, per: .milliseconds(1100)),
        Limit(1000, per: .milliseconds(61_000)),
    ]

    private let limits: [Limit]
    private let clock = ContinuousClock()
    /// Granted start times, oldest first; never more than the largest limit.
    private var granted: [ContinuousClock.Instant] = []

    public init(limits: [Limit]) {
        precondition(limits.allSatisfy { $0.limit > 0 }, "a rate limit must allow at least one call")
        self.limits = limits
    }

    /// Waits until a call may start, and counts it.
    public func acquire() async throws {
        let slot = reserve()
        try await clock.sleep(until: slot)
    }

    /// Books the earliest start time that keeps every window within its limit.
    func reserve() -> ContinuousClock.Instant {
        var slot = max(clock.now, granted.last ?? clock.now)
        for limit in limits where granted.count >= limit.limit {
            slot = max(slot, granted[granted.count - limit.limit] + limit.window)
        }
        granted.append(slot)
        let keep = limits.map(\.limit).max() ?? 0
        if granted.count > keep { granted.removeFirst(granted.count - keep) }
        return slot
    }
}
