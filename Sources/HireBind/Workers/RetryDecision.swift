// RetryDecision: what a job's setback leads to (fail, give up, wait for an operator, retry when), as a pure function.

public import FeishuAPI
public import HireBindCore

/// What to do with a job whose attempt did not succeed.
public enum RetryDecision: Sendable, Equatable {
    /// Retrying cannot help: the job fails and its callback says why.
    case fail
    /// Every allowed attempt failed: the job is dead (listed, retryable by hand) and its callback says why.
    case giveUp
    /// hirebind's own credentials are at fault: look again after `seconds`, no attempt used.
    case waitForOperator(seconds: Double)
    /// Try again after `seconds`; a rate limit or a token refresh does not use an attempt.
    case retry(seconds: Double, countsAsAttempt: Bool)

    /// The limits decisions are made within.
    public struct Rules: Sendable, Equatable {
        /// Attempts per job before it is dead (`feishu.max_attempts`).
        public var maxAttempts: Int
        /// The backoff between counted attempts (`feishu.retry`).
        public var backoff: RetryPolicy
        /// How long a call may take (`feishu.timeout_seconds`): after an unknown outcome the job waits twice that,
        /// so a request still on its way lands before the lookup that reconciles it.
        public var callTimeoutSeconds: Double

        /// How often jobs waiting for an operator look again (sooner when the backoff is shorter, as in tests).
        public static let operatorLookSeconds = 30.0
        public static let operatorLookJitter = 1.0...1.5
        /// A rate limit without Feishu's reset header waits this long.
        public static let rateLimitDefaultSeconds = 1.0
        public static let rateLimitJitterSeconds = 0.0...0.5

        public init(maxAttempts: Int, backoff: RetryPolicy, callTimeoutSeconds: Double) {
            self.maxAttempts = maxAttempts
            self.backoff = backoff
            self.callTimeoutSeconds = callTimeoutSeconds
        }
    }

    /// The decision for a setback of `errorClass` at attempt number `attempts` (this one included).
    /// - Parameters:
    ///   - retryAfter: the wait Feishu asked for (`x-ogw-ratelimit-reset`), when it said.
    ///   - outcomeUnknown: the call may have taken effect unseen (a timeout, a dropped connection).
    public static func decide(
        _ errorClass: FeishuErrorClass, attempts: Int, retryAfter: Double?, outcomeUnknown: Bool, rules: Rules,
        using generator: inout some RandomNumberGenerator
    ) -> RetryDecision {
        switch errorClass {
        case .permanent:
            return .fail
        case .retry where attempts >= rules.maxAttempts:
            return .giveUp
        case .waitForOperator:
            let look = min(Rules.operatorLookSeconds, rules.backoff.maxSeconds)
            return .waitForOperator(seconds: look * Double.random(in: Rules.operatorLookJitter, using: &generator))
        case .retry, .rateLimited, .refreshThenRetry:
            let countsAsAttempt = errorClass == .retry
            var seconds =
                countsAsAttempt
                ? rules.backoff.delay(beforeRetry: max(1, attempts), using: &generator)
                : (retryAfter ?? Rules.rateLimitDefaultSeconds) + Double.random(in: Rules.rateLimitJitterSeconds, using: &generator)
            if outcomeUnknown { seconds = max(seconds, 2 * rules.callTimeoutSeconds) }
            return .retry(seconds: seconds, countsAsAttempt: countsAsAttempt)
        }
    }

    public static func decide(_ errorClass: FeishuErrorClass, attempts: Int, retryAfter: Double?, outcomeUnknown: Bool, rules: Rules) -> RetryDecision
    {
        var generator = SystemRandomNumberGenerator()
        return decide(errorClass, attempts: attempts, retryAfter: retryAfter, outcomeUnknown: outcomeUnknown, rules: rules, using: &generator)
    }
}
