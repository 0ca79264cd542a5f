// WorkerSettings: the `worker:` section, the bind workers and the queue loops.

/// The bind workers.
public struct WorkerSettings: Sendable, Codable {
    public var concurrency: Int
    /// How long a leased job belongs to a worker before another may take it over.
    public var leaseSeconds: Double
    /// Longest sleep between looks at the queue when nothing wakes the worker.
    public var pollSeconds: Double
    /// On SIGTERM, how long in-flight jobs may take to finish before they are cancelled (their leases then
    /// expire and another process takes them over).
    public var drainSeconds: Double

    public init(concurrency: Int = 4, leaseSeconds: Double = 60, pollSeconds: Double = 1, drainSeconds: Double = 30) {
        self.concurrency = concurrency
        self.leaseSeconds = leaseSeconds
        self.pollSeconds = pollSeconds
        self.drainSeconds = drainSeconds
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        concurrency = try c.value(.concurrency, default: defaults.concurrency)
        leaseSeconds = try c.value(.leaseSeconds, default: defaults.leaseSeconds)
        pollSeconds = try c.value(.pollSeconds, default: defaults.pollSeconds)
        drainSeconds = try c.value(.drainSeconds, default: defaults.drainSeconds)
    }

    enum CodingKeys: String, CodingKey {
        case concurrency
        case leaseSeconds = "lease_seconds"
        case pollSeconds = "poll_seconds"
        case drainSeconds = "drain_seconds"
    }
}
