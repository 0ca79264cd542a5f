// TimeLeftEstimateTests: the time a backfill still needs, from the quota at first and the measured rate later.

import HireBind
import Testing

@Suite struct TimeLeftEstimateTests {
    /// Feishu's quota as the follower uses it: 1000 a minute.
    let quota = 1000.0 / 60

    @Test func beforeAnythingIsMeasuredTheQuotaIsTheEstimate() {
        var estimate = TimeLeftEstimate(quotaPerSecond: quota)
        #expect(estimate.secondsLeft(remaining: 100_000) == 6000)
        estimate.record(done: 0, atSecond: 0)
        estimate.record(done: 200, atSecond: 4)
        // Four seconds of a 50/s burst say nothing about the minute: still the quota.
        #expect(estimate.secondsLeft(remaining: 99_800) == 99_800 / quota)
    }

    @Test func aBurstFasterThanTheQuotaCountsAsTheQuota() {
        var estimate = TimeLeftEstimate(quotaPerSecond: quota)
        // 50 a second for 20 s: the minute's 1000 spent, then the pause the quota imposes.
        for second in 0...20 { estimate.record(done: 50 * second, atSecond: Double(second)) }
        #expect(estimate.observedRatePerSecond == 50)
        #expect(estimate.secondsLeft(remaining: 9000) == 9000 / quota)
    }

    @Test func theQuotasBurstsAndPausesAverageToTheQuota() throws {
        var estimate = TimeLeftEstimate(quotaPerSecond: quota)
        var done = 0
        // Ten minutes of 20-s bursts at 50/s and 40-s pauses, as the rate limiter spends Feishu's minute.
        for second in 0..<600 {
            if second % 60 < 20 { done += 50 }
            estimate.record(done: done, atSecond: Double(second))
        }
        let left = try #require(estimate.secondsLeft(remaining: 10_000))
        #expect(abs(left - 600) / 600 < 0.05, "\(left) s for ten more minutes of binds")
    }

    @Test func aSlowerServiceIsMeasuredNotAssumed() throws {
        var estimate = TimeLeftEstimate(quotaPerSecond: quota)
        // Feishu slow: 5 binds a second, a third of the quota.
        for second in 0...180 { estimate.record(done: 5 * second, atSecond: Double(second)) }
        let left = try #require(estimate.secondsLeft(remaining: 3000))
        #expect(abs(left - 600) < 1)
    }

    @Test func nothingBindingHasNoEstimate() {
        var estimate = TimeLeftEstimate(quotaPerSecond: quota)
        for second in 0...30 { estimate.record(done: 0, atSecond: Double(second)) }
        #expect(estimate.secondsLeft(remaining: 10) == nil, "no service running: no time can be promised")
    }
}
