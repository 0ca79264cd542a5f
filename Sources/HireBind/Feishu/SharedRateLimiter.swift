// SharedRateLimiter: a Feishu method's rate limiter whose budget every replica shares, through the store.

public import FeishuAPI
import Foundation
public import JobStore
public import Logging

/// Waits at the store (``SharedCallWindows``) instead of in this process, so that several replicas together keep
/// each method within 50 calls a second and 1000 a minute. A call that may not start yet asks again when the store
/// says a slot frees up, and at least every quarter of a second (an earlier call may answer sooner); a call the
/// pace has kept a slot ahead for sleeps until it.
public struct SharedRateLimiter: RateLimiting {
    let windows: any SharedCallWindows
    let method: String
    let limits: [CallWindowLimit]
    let logger: Logger

    public init(windows: any SharedCallWindows, method: String, limits: [CallWindowLimit], logger: Logger) {
        self.windows = windows
        self.method = method
        self.limits = limits
        self.logger = logger
    }

    /// The rate limiters for a process on `store`: one budget with every replica when the store is shared by
    /// several processes (it has ``SharedCallWindows``), this process's own otherwise. `serve` and the command line
    /// (`hirebind backfill --from feishu`) both take theirs here, so a backfill run beside replicas stays within
    /// their budget.
    public static func rateLimiters(for store: any HireBindStore, logger: Logger) -> FeishuClient.RateLimiters {
        (store as? any SharedCallWindows).map { rateLimiters($0, logger: logger) } ?? .init()
    }

    /// The same limits as one process's limiter, for every method of `windows`.
    public static func rateLimiters(_ windows: any SharedCallWindows, logger: Logger) -> FeishuClient.RateLimiters {
        let limits = SlidingWindowRateLimiter.feishuExchangeBindings.map { limit in
            CallWindowLimit(
                limit: limit.limit, seconds: Double(limit.window.components.seconds) + Double(limit.window.components.attoseconds) / 1e18,
                countsStarts: limit.countedFrom == .starts)
        }
        return FeishuClient.RateLimiters { method in SharedRateLimiter(windows: windows, method: method, limits: limits, logger: logger) }
    }

    public func acquire() async throws -> RateLimitTicket {
        while true {
            switch try await windows.bookCall(method: method, limits: limits, now: Date()) {
            case .booked(let id, let startsAt):
                let ticket = RateLimitTicket(id: id)
                let ahead = startsAt.timeIntervalSinceNow
                if ahead > 0 {
                    do {
                        try await Task.sleep(for: .milliseconds(Int64(ahead * 1000)))
                    } catch {
                        await finish(ticket)
                        throw error
                    }
                }
                return ticket
            case .wait(let seconds):
                try await Task.sleep(for: .milliseconds(Int64(min(max(seconds, 0.005), 0.25) * 1000)))
            }
        }
    }

    public func finish(_ ticket: RateLimitTicket) async {
        do {
            try await windows.callAnswered(id: ticket.id, now: Date())
        } catch {
            // The booking then counts as in flight until it is taken for abandoned: later calls wait longer, never less.
            logger.warning("cannot record a Feishu call's answer", metadata: ["method": "\(method)", "error": "\(error)"])
        }
    }
}
