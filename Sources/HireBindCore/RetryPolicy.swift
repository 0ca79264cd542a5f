/// Exponential backoff with full jitter: the n-th retry waits a random time in
/// `[delay/2, delay]` where `delay = min(maxSeconds, baseSeconds × 2^(n-1))`.
public struct RetryPolicy: Sendable, Hashable, Codable {
    public var baseSeconds: Double
    public var maxSeconds: Double

    public static let feishuDefault = RetryPolicy(baseSeconds: 2, maxSeconds: 600)
    public static let callbackDefault = RetryPolicy(baseSeconds: 5, maxSeconds: 3600)

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
