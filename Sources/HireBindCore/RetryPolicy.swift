// RetryPolicy: exponential backoff with jitter, as configured for Feishu calls and callbacks.

/// Exponential backoff with full jitter: the n-th retry waits a random time in
/// `[delay/2, delay]` where `delay = min(maxSeconds, baseSeconds × 2^(n-1))`.
public struct RetryPolicy: Sendable, Hashable, Codable {
    public var baseSeconds: Double
    public var maxSeconds: Double

    /// 30 s doubling to 6 h: with the default 20 attempts a job keeps trying for 1.3 to 2.6 days, longer than
    /// an afternoon's Feishu outage and as long as HR senders retry themselves.
    public static let feishuDefault = RetryPolicy(baseSeconds: 30, maxSeconds: 21_600)
    /// 30 s doubling to 1 h, until the callback's maximum age (3 days by default).
    public static let callbackDefault = RetryPolicy(baseSeconds: 30, maxSeconds: 3600)

    /// The shortest and longest total wait over `retries` retries.
    public func totalDelay(retries: Int) -> ClosedRange<Double> {
        var ceiling = 0.0
        for retry in 1...max(1, retries) {
            ceiling += min(maxSeconds, baseSeconds * pow2(Double(max(0, min(retry - 1, 62)))))
        }
        return (ceiling / 2)...ceiling
    }

    public init(baseSeconds: Double, maxSeconds: Double) {
        self.baseSeconds = baseSeconds
        self.maxSeconds = maxSeconds
    }

    /// Seconds to wait before retry number `retry` (1 for the first retry).
    public func delay(beforeRetry retry: Int, using generator: inout some RandomNumberGenerator) -> Double {
        let exponent = Double(max(0, min(retry - 1, 62)))
        let ceiling = min(maxSeconds, baseSeconds * pow2(exponent))
        return Double.random(in: (ceiling / 2)...max(ceiling / 2, ceiling), using: &generator)
    }

    public func delay(beforeRetry retry: Int) -> Double {
        var generator = SystemRandomNumberGenerator()
        return delay(beforeRetry: retry, using: &generator)
    }

    private func pow2(_ exponent: Double) -> Double {
        var result = 1.0
        for _ in 0..<Int(exponent) { result *= 2 }
        return result
    }

    enum CodingKeys: String, CodingKey {
        case baseSeconds = "base_seconds"
        case maxSeconds = "max_seconds"
    }
}
