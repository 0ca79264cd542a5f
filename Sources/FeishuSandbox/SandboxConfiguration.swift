/// Who and what the sandbox tenant holds.
public struct SandboxConfiguration: Sendable {
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

    public init(
        superAdminTokens: Set<String>,
        memberTokens: Set<String> = [],
        adminAccounts: Set<String>? = nil,
        usersNotInTenant: Set<String> = [],
        syncSeconds: Double = 2
    ) {
        self.superAdminTokens = superAdminTokens
        self.memberTokens = memberTokens
        self.adminAccounts = adminAccounts
        self.usersNotInTenant = usersNotInTenant
        self.syncSeconds = syncSeconds
    }
}
