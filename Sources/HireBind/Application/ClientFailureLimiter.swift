// ClientFailureLimiter: per client address, failed signature checks and admin logins are limited, then refused.

public import Foundation
import HTTPTypes
import Synchronization

/// Counts a client's failed authentications (a webhook signature or token that did not verify, a wrong admin
/// token) over a sliding window; a client over the limit is answered 429 at once, before any HMAC is computed or
/// any token compared, until its oldest failure leaves the window. Genuine senders, which sign correctly, never
/// reach it. Bounded memory: the least recently failing clients are forgotten first.
public final class ClientFailureLimiter: Sendable {
    /// Failures allowed per client within `windowSeconds`.
    let limit: Int
    let windowSeconds: Double
    let maximumClients: Int
    private let failures = Mutex<[String: [Date]]>([:])

    public init(limit: Int, windowSeconds: Double, maximumClients: Int = 10_000) {
        self.limit = limit
        self.windowSeconds = windowSeconds
        self.maximumClients = maximumClients
    }

    /// Nil when `client` may try; otherwise the seconds until it may try again.
    public func retryAfter(_ client: String, now: Date = Date()) -> Double? {
        failures.withLock { table in
            guard var times = table[client] else { return nil }
            times.removeAll { now.timeIntervalSince($0) >= windowSeconds }
            table[client] = times.isEmpty ? nil : times
            guard times.count >= limit, let oldest = times.first else { return nil }
            return max(1, (windowSeconds - now.timeIntervalSince(oldest)).rounded(.up))
        }
    }

    /// Counts a failure of `client`.
    public func recordFailure(_ client: String, now: Date = Date()) {
        failures.withLock { table in
            var times = (table[client] ?? []).filter { now.timeIntervalSince($0) < windowSeconds }
            times.append(now)
            // Keep no more than the limit needs.
            if times.count > limit { times.removeFirst(times.count - limit) }
            table[client] = times
            if table.count > maximumClients {
                let stalest = table.min { ($0.value.last ?? .distantPast) < ($1.value.last ?? .distantPast) }
                if let stalest { table[stalest.key] = nil }
            }
        }
    }
}

extension ClientFailureLimiter {
    /// Throws 429 `too_many_failures` with `Retry-After` while `client` is locked out (counted on `listener`'s
    /// metric); `failures` says what kept failing, as the message tells it.
    func refuseWhileLockedOut(_ client: String, listener: String, failures what: String, metrics: HireBindMetrics) throws {
        guard let wait = retryAfter(client) else { return }
        metrics.authThrottled(listener: listener)
        throw APIError(
            .tooManyRequests, code: "too_many_failures", message: "too many failed \(what) from this address; try again in \(Int(wait)) s",
            headers: [.retryAfter: "\(Int(wait))"])
    }
}
