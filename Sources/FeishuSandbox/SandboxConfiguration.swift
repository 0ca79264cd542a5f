// SandboxConfiguration: who and what the sandbox tenant holds, and its limits and faults.

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

    /// The app's credentials, for the OAuth token endpoint and `tenant_access_token/internal`.
    public var appID = "cli_sandbox_app"
    public var appSecret = "sandbox-app-secret"
    /// Who signs in at the sandbox's authorize page (it consents at once and redirects back).
    public var loginUserID = "ou_sandbox_super_admin"
    /// False: the person who logs in is an ordinary member, so binding answers 195101.
    public var loginIsSuperAdmin = true
    /// Lifetimes of the tokens the sandbox issues (Feishu's: 7200 s, 604800 s, 7200 s).
    public var userAccessTokenSeconds = 7200.0
    public var refreshTokenSeconds = 604_800.0
    public var tenantAccessTokenSeconds = 7200.0
    /// The tenant's contacts, for `batch_get_id`.
    public var directory: [SandboxUser] = SandboxUser.fixtures
    /// Where directory events go (the app's event request URL); none are sent without one.
    public var eventSubscription: SandboxEventSubscription?
    /// Exchange accounts whose calendar sync ends in `err`.
    public var syncFailingAccounts: Set<String> = []
    /// The simulated Entra ID tenant for the mailbox directory.
    public var graph = GraphSandboxConfiguration()

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

    public init(
        serverErrorRate: Double = 0, rateLimitRate: Double = 0, lostResponseRate: Double = 0, lostResponseDelay: Double = 5,
        latencyMilliseconds: ClosedRange<Int> = 0...0
    ) {
        self.serverErrorRate = serverErrorRate
        self.rateLimitRate = rateLimitRate
        self.lostResponseRate = lostResponseRate
        self.lostResponseDelay = lostResponseDelay
        self.latencyMilliseconds = latencyMilliseconds
    }
}

/// A person in the sandbox tenant's contacts.
public struct SandboxUser: Sendable, Hashable {
    public var openID: String
    public var userID: String
    public var unionID: String
    public var email: String?
    public var mobile: String?

    public init(openID: String, userID: String, unionID: String, email: String?, mobile: String?) {
        self.openID = openID
        self.userID = userID
        self.unionID = unionID
        self.email = email
        self.mobile = mobile
    }

    /// The id of the given type (`open_id`, `user_id`, `union_id`).
    public func id(ofType type: String) -> String {
        switch type {
        case "user_id": userID
        case "union_id": unionID
        default: openID
        }
    }

    /// Contacts every sandbox starts with.
    public static let fixtures = [
        SandboxUser(openID: "ou_sandbox_li_na", userID: "li.na", unionID: "on_sandbox_li_na", email: "na.li@example.com", mobile: "+8613800000001"),
        SandboxUser(
            openID: "ou_sandbox_wang_fang", userID: "wang.fang", unionID: "on_sandbox_wang_fang", email: "fang.wang@example.com",
            mobile: "+8613800000002"),
        SandboxUser(
            openID: "ou_sandbox_anna_schmidt", userID: "anna.schmidt", unionID: "on_sandbox_anna_schmidt", email: "anna.schmidt@example.com",
            mobile: nil),
    ]
}
