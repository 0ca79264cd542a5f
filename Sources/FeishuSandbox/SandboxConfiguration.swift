/// Who and what the sandbox tenant holds.
public struct SandboxConfiguration: Sendable {
    /// 50 calls per second and 1000 per minute, as the API page states.
    public static let feishuRateLimits: [(calls: Int, window: Duration)] = [(50, .seconds(1)), (1000, .seconds(60))]

    /// `user_access_token`s of tenant super administrators.
    public var superAdminTokens: Set<String>
    /// `user_access_token`s of ordinary members: the bind call answers 195101.
    public var memberTokens: Set<String>
    /// Exchange admin accounts bound in the tenant's admin console; nil accepts any (195106 otherwise).
    public var adminAccounts: Set<String>?
    /// Feishu user ids that left or never were in the tenant (195100).
    public var usersNotInTenant: Set<String>
    /// Seconds after create at which GET reports the sync as `done`.
    public var syncSeconds: Double
    /// Faults drawn at random for each create call, to rehearse a bad day.
    public var randomFaults: RandomFaults
    /// Feishu's limits on the create call, enforced over sliding windows (the strictest alignment):
    /// a call over either answers 429 with code 99991400 and `x-ogw-ratelimit-reset`.
    public var rateLimits: [(calls: Int, window: Duration)]

    public init(
        superAdminTokens: Set<String>,
        memberTokens: Set<String> = [],
        adminAccounts: Set<String>? = nil,
        usersNotInTenant: Set<String> = [],
        syncSeconds: Double = 2,
        randomFaults: RandomFaults = RandomFaults(),
        rateLimits: [(calls: Int, window: Duration)] = SandboxConfiguration.feishuRateLimits
    ) {
        self.randomFaults = randomFaults
        self.rateLimits = rateLimits
        self.superAdminTokens = superAdminTokens
        self.memberTokens = memberTokens
        self.adminAccounts = adminAccounts
        self.usersNotInTenant = usersNotInTenant
        self.syncSeconds = syncSeconds
    }
}

/// Shares of create calls that fail at random, and added latency.
public struct RandomFaults: Sendable, Hashable {
    /// Answered 500 with code 190003.
    public var serverErrorRate: Double
    /// Answered 429 with code 190004 and rate-limit headers.
    public var rateLimitRate: Double
    /// The binding is made but the answer comes only after `lostResponseDelay`, past any sane client timeout.
    public var lostResponseRate: Double
    public var lostResponseDelay: Double
    /// Extra latency before each answer, drawn uniformly.
    public var latencyMilliseconds: ClosedRange<Int>

    public init(serverErrorRate: Double = 0, rateLimitRate: Double = 0, lostResponseRate: Double = 0, lostResponseDelay: Double = 5, latencyMilliseconds: ClosedRange<Int> = 0...0) {
        self.serverErrorRate = serverErrorRate
        self.rateLimitRate = rateLimitRate
        self.lostResponseRate = lostResponseRate
        self.lostResponseDelay = lostResponseDelay
        self.latencyMilliseconds = latencyMilliseconds
    }
}
