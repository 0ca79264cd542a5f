// SlidingWindowRateLimiter: spaces calls so that no server window holds more than its limit, counted from answers.

/// Spaces calls so that no window of `window` length on the server ever holds more than `limit` of them,
/// however the server aligns its windows and however late a call arrives there.
///
/// The server counts a call at some moment between its start and its answer. So the n-th call starts no
/// earlier than `window` after the (n-limit)-th call *answered*: whatever the network delays, their arrivals
/// are at least `window` apart. A call whose (n-limit)-th predecessor is still in flight waits for it.
/// Several limits apply together (Feishu: 50 per second and 1000 per minute). A limit of one's own that no server
/// enforces (a pace) may count from starts instead (``CountedFrom``).
public actor SlidingWindowRateLimiter: RateLimiting {
    public struct Limit: Sendable, Hashable {
        public var limit: Int
        public var window: Duration
        /// What a window is counted from: the calls' answers (a server's limit: safe however late a call
        /// arrives), or their starts (a pace of one's own, which no server enforces: no call's latency is lost).
        public var countedFrom: CountedFrom

        public init(_ limit: Int, per window: Duration, countedFrom: CountedFrom = .answers) {
            self.limit = limit
            self.window = window
            self.countedFrom = countedFrom
        }
    }

    public enum CountedFrom: String, Sendable, Hashable {
        case answers, starts
    }

    /// A booked call; hand it back to ``finish(_:)`` when its answer (or failure) is in.
    public typealias Ticket = RateLimitTicket

    /// Feishu's exchange binding limits, 50/s and 1000/min, with a little margin for the two clocks, counted
    /// from answers; and the minute's calls spread over the minute: at most 50 in any 3.015 s (the minute's pace),
    /// so a long queue binds at a steady 1000/min instead of 20 s of 50/s and a 40-s pause. A steady rate is what
    /// makes a backfill's time left predictable to the second, and it spreads the store's and the callbacks' work.
    /// The pace is counted from starts: from answers, each cycle of 50 calls would also wait for one call's
    /// latency, and the minute lost 1–3 % of its 1000 calls to it. Within the pace, at most 5 calls start in any
    /// 301.5 ms: a long queue's calls come in fives, not in bursts of 50 every 3 s, so that any minute holds its
    /// 1000 calls (within a few), however it is aligned.
    public static let feishuExchangeBindings = [
        Limit(50, per: .milliseconds(1020)),
        Limit(50, per: .milliseconds(3015), countedFrom: .starts),
        Limit(5, per: .microseconds(301_500), countedFrom: .starts),
        Limit(1000, per: .milliseconds(60_300)),
    ]

    enum Booking: Equatable {
        case booked(Ticket, ContinuousClock.Instant)
        /// The call `limit` places back has not answered yet.
        case waitForEarlierCall
    }

    private let limits: [Limit]
    private let clock = ContinuousClock()
    /// The latest calls, oldest first; never more than the largest limit.
    private var calls: [(sequence: Int64, start: ContinuousClock.Instant, end: ContinuousClock.Instant?)] = []
    private var nextSequence: Int64 = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init(limits: [Limit]) {
        precondition(limits.allSatisfy { $0.limit > 0 }, "a rate limit must allow at least one call")
        self.limits = limits
    }

    /// Waits until a call may start, and counts it.
    public func acquire() async throws -> Ticket {
        while true {
            switch book(now: clock.now) {
            case .booked(let ticket, let slot):
                do {
                    try await clock.sleep(until: slot)
                } catch {
                    finish(ticket)
                    throw error
                }
                return ticket
            case .waitForEarlierCall:
                await withCheckedContinuation { waiters.append($0) }
            }
        }
    }

    /// The call answered, failed or was given up on.
    public func finish(_ ticket: Ticket) {
        finish(ticket, at: clock.now)
    }

    func finish(_ ticket: Ticket, at instant: ContinuousClock.Instant) {
        if let index = calls.firstIndex(where: { $0.sequence == ticket.id }) {
            calls[index].end = max(instant, calls[index].start)
        }
        let waiting = waiters
        waiters.removeAll()
        for waiter in waiting { waiter.resume() }
    }

    /// Books the earliest start that keeps every window within its limit, or says to wait for an earlier call.
    func book(now: ContinuousClock.Instant) -> Booking {
        var slot = max(now, calls.last?.start ?? now)
        for limit in limits where calls.count >= limit.limit {
            let earlier = calls[calls.count - limit.limit]
            switch limit.countedFrom {
            case .starts:
                slot = max(slot, earlier.start + limit.window)
            case .answers:
                guard let end = earlier.end else { return .waitForEarlierCall }
                slot = max(slot, end + limit.window)
            }
        }
        let ticket = Ticket(id: nextSequence)
        nextSequence += 1
        calls.append((ticket.id, slot, nil))
        let keep = limits.map(\.limit).max() ?? 0
        if calls.count > keep { calls.removeFirst(calls.count - keep) }
        return .booked(ticket, slot)
    }
}
