// RetryDecisionTests: every error class leads where the README says, within the configured limits.

import FeishuAPI
import HireBind
import HireBindCore
import Testing

@Suite struct RetryDecisionTests {
    let rules = RetryDecision.Rules(maxAttempts: 5, backoff: RetryPolicy(baseSeconds: 30, maxSeconds: 21_600), callTimeoutSeconds: 10)

    func decide(_ errorClass: FeishuErrorClass, attempts: Int = 1, retryAfter: Double? = nil, outcomeUnknown: Bool = false) -> RetryDecision {
        RetryDecision.decide(errorClass, attempts: attempts, retryAfter: retryAfter, outcomeUnknown: outcomeUnknown, rules: rules)
    }

    @Test func permanentErrorsFailAtOnce() {
        #expect(decide(.permanent) == .fail)
        #expect(decide(.permanent, attempts: 5) == .fail)
    }

    @Test func retryableErrorsBackOffUntilTheAttemptsRunOut() {
        for attempt in 1..<5 {
            guard case .retry(let seconds, let counts) = decide(.retry, attempts: attempt) else {
                Issue.record("attempt \(attempt) should be retried")
                continue
            }
            let ceiling = min(21_600, 30 * Double(1 << (attempt - 1)))
            #expect(counts)
            #expect(seconds >= ceiling / 2 && seconds <= ceiling)
        }
        #expect(decide(.retry, attempts: 5) == .giveUp)
    }

    @Test func rateLimitsWaitForFeishusResetAndUseNoAttempt() {
        guard case .retry(let seconds, let counts) = decide(.rateLimited, attempts: 5, retryAfter: 7) else {
            Issue.record("a rate limit is retried even with no attempts left")
            return
        }
        #expect(!counts)
        #expect(seconds >= 7 && seconds <= 7.5)
        guard case .retry(let fallback, _) = decide(.refreshThenRetry) else { Issue.record("refresh then retry"); return }
        #expect(fallback >= RetryDecision.Rules.rateLimitDefaultSeconds && fallback <= 1.5)
    }

    @Test func anUnknownOutcomeWaitsTwiceTheCallTimeout() {
        guard case .retry(let seconds, true) = decide(.retry, outcomeUnknown: true) else { Issue.record("retried"); return }
        #expect(seconds >= 20)
        guard case .retry(let limited, false) = decide(.rateLimited, retryAfter: 1, outcomeUnknown: true) else { Issue.record("retried"); return }
        #expect(limited >= 20)
    }

    @Test func credentialProblemsWaitForAnOperator() {
        guard case .waitForOperator(let seconds) = decide(.waitForOperator, attempts: 50) else { Issue.record("waits"); return }
        #expect(seconds >= 30 && seconds <= 45)
        // A short backoff (as in tests) shortens the look.
        let short = RetryDecision.Rules(maxAttempts: 1, backoff: RetryPolicy(baseSeconds: 0.05, maxSeconds: 0.2), callTimeoutSeconds: 1)
        guard
            case .waitForOperator(let quick) = RetryDecision.decide(
                .waitForOperator, attempts: 1, retryAfter: nil, outcomeUnknown: false, rules: short)
        else { Issue.record("waits"); return }
        #expect(quick <= 0.3)
    }
}
