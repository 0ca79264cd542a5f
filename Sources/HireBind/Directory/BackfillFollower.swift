// BackfillFollower: a backfill's jobs watched until each is final, with the bind rate and the time left.

public import HireBindCore
public import JobStore

/// Watches the jobs a backfill queued (``Backfill/Summary/jobsToFollow``) until every one is final, reporting
/// how many are bound, how many failed, the bind rate and the time left. It only reads: the service (running
/// now or started later) does the binding, within Feishu's quota.
public struct BackfillFollower: Sendable {
    let store: any AdminQueries
    let pollInterval: Duration
    let estimate: TimeLeftEstimate

    /// - Parameters:
    ///   - quotaPerMinute: the most binds a minute can hold (Feishu's 1000/min): the rate assumed until the
    ///     service's own has been seen, and the cap on what a burst suggests.
    public init(store: any AdminQueries, quotaPerMinute: Double, pollInterval: Duration = .seconds(1)) {
        self.store = store
        self.pollInterval = pollInterval
        self.estimate = TimeLeftEstimate(quotaPerSecond: quotaPerMinute / 60)
    }

    /// How far the followed jobs are.
    public struct Progress: Sendable, Equatable {
        public var total: Int
        public var succeeded = 0
        /// Failed or dead: the reason is on each job (`hirebind jobs list --status failed`).
        public var failed = 0
        /// Binds per minute, as measured (nil until there is something to measure).
        public var ratePerMinute: Double?
        /// Seconds until the last job is final, as estimated; nil while nothing binds (no service running?).
        public var secondsLeft: Double?

        public var done: Int { succeeded + failed }
    }

    /// Polls until every job in `jobIDs` is final (or the task is cancelled: the jobs go on in the service).
    public func follow(_ jobIDs: [String], progress: @Sendable (Progress) -> Void) async throws -> Progress {
        let clock = ContinuousClock()
        let start = clock.now
        var estimate = self.estimate
        var pending = Set(jobIDs)
        var report = Progress(total: jobIDs.count)
        while true {
            let statuses = try await store.statuses(ofJobs: Array(pending))
            for (id, status) in statuses where status.isFinal {
                pending.remove(id)
                if status == .succeeded { report.succeeded += 1 } else { report.failed += 1 }
            }
            // A job that no longer exists (purged) is not waited for.
            for id in pending where statuses[id] == nil {
                pending.remove(id)
                report.failed += 1
            }
            let elapsed = (clock.now - start) / .seconds(1)
            estimate.record(done: report.done, atSecond: elapsed)
            report.ratePerMinute = estimate.observedRatePerSecond.map { $0 * 60 }
            report.secondsLeft = pending.isEmpty ? 0 : estimate.secondsLeft(remaining: pending.count)
            progress(report)
            if pending.isEmpty { return report }
            try await Task.sleep(for: pollInterval)
        }
    }
}

/// The time a queue of binds still needs, from the rate seen over the last two minutes, capped by the quota.
///
/// Binding runs at Feishu's quota when nothing else holds it back, and the quota's windows make it bursty
/// (50 a second until the minute's 1000 are spent, then a pause), so a short sample says little: until
/// ``warmUp`` seconds have been seen the quota itself is the estimate, and a faster sample never counts for
/// more than the quota. When the service binds slower (Feishu slow, a fault, other work ahead) the measured
/// rate takes over.
public struct TimeLeftEstimate: Sendable {
    public var quotaPerSecond: Double
    /// Seconds of samples the rate is measured over.
    public var window: Double
    /// Seconds to watch before the measured rate is trusted.
    public var warmUp: Double
    private var samples: [(second: Double, done: Int)] = []

    public init(quotaPerSecond: Double, window: Double = 120, warmUp: Double = 15) {
        self.quotaPerSecond = quotaPerSecond
        self.window = window
        self.warmUp = warmUp
    }

    public mutating func record(done: Int, atSecond second: Double) {
        samples.append((second, done))
        // Keep one sample at or before the window's start, so the window is always measured whole.
        while samples.count > 2, samples[1].second <= second - window { samples.removeFirst() }
    }

    /// Binds a second over the window, or nil before anything was seen.
    public var observedRatePerSecond: Double? {
        guard let first = samples.first, let last = samples.last, last.second > first.second else { return nil }
        return Double(last.done - first.done) / (last.second - first.second)
    }

    /// Seconds until `remaining` more binds are done; nil when the window has seen none at all.
    public func secondsLeft(remaining: Int) -> Double? {
        guard let first = samples.first, let last = samples.last else { return Double(remaining) / quotaPerSecond }
        let watched = last.second - first.second
        guard watched >= warmUp, let observed = observedRatePerSecond else { return Double(remaining) / quotaPerSecond }
        guard observed > 0 else { return nil }
        return Double(remaining) / min(observed, quotaPerSecond)
    }
}
