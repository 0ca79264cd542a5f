// FeishuSettings: the `feishu:` section, the open platform hirebind binds through.

public import FeishuAPI
public import HireBindCore

/// The Feishu (or Lark) open platform.
public struct FeishuSettings: Sendable, Codable {
    public var platform: FeishuPlatform
    /// The API host; the platform's own unless overridden (a proxy, the sandbox).
    public var baseURL: String
    /// Where the admin signs in; the platform's own unless overridden.
    public var accountsURL: String
    /// The Exchange admin account bindings are made with, when the rule set names none.
    public var adminAccount: String
    public var userIDType: String
    /// The app's credentials: for the OAuth login and refresh, and the tenant token that looks user ids up.
    public var appID: SecretReference?
    public var appSecret: SecretReference?
    /// A fixed `user_access_token` instead of `hirebind feishu login` (it is not refreshed: for dry runs).
    public var userAccessToken: SecretReference?
    public var oauth: OAuthSettings
    public var sync: SyncSettings
    public var timeoutSeconds: Double
    /// Attempts per job before it is given up as dead; rate-limit answers do not count.
    public var maxAttempts: Int
    public var retry: RetryPolicy

    public init(
        platform: FeishuPlatform = .feishu, baseURL: String? = nil, accountsURL: String? = nil, adminAccount: String,
        userIDType: String = "open_id", appID: SecretReference? = nil, appSecret: SecretReference? = nil,
        userAccessToken: SecretReference? = nil, oauth: OAuthSettings = .init(), sync: SyncSettings = .init(),
        timeoutSeconds: Double = 10, maxAttempts: Int = 20, retry: RetryPolicy = .feishuDefault
    ) {
        let hosts = FeishuHosts(platform: platform, openBaseURL: baseURL, accountsURL: accountsURL)
        self.platform = platform
        self.baseURL = hosts.openBaseURL
        self.accountsURL = hosts.accountsURL
        self.adminAccount = adminAccount
        self.userIDType = userIDType
        self.appID = appID
        self.appSecret = appSecret
        self.userAccessToken = userAccessToken
        self.oauth = oauth
        self.sync = sync
        self.timeoutSeconds = timeoutSeconds
        self.maxAttempts = maxAttempts
        self.retry = retry
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self(adminAccount: "")
        self.init(
            platform: try c.value(.platform, default: defaults.platform),
            baseURL: try c.decodeIfPresent(String.self, forKey: .baseURL),
            accountsURL: try c.decodeIfPresent(String.self, forKey: .accountsURL),
            adminAccount: try c.decode(String.self, forKey: .adminAccount),
            userIDType: try c.value(.userIDType, default: defaults.userIDType),
            appID: try c.decodeIfPresent(SecretReference.self, forKey: .appID),
            appSecret: try c.decodeIfPresent(SecretReference.self, forKey: .appSecret),
            userAccessToken: try c.decodeIfPresent(SecretReference.self, forKey: .userAccessToken),
            oauth: try c.value(.oauth, default: defaults.oauth),
            sync: try c.value(.sync, default: defaults.sync),
            timeoutSeconds: try c.value(.timeoutSeconds, default: defaults.timeoutSeconds),
            maxAttempts: try c.value(.maxAttempts, default: defaults.maxAttempts),
            retry: try c.value(.retry, default: defaults.retry)
        )
    }

    /// The hosts the clients call.
    public var hosts: FeishuHosts {
        FeishuHosts(openBaseURL: baseURL, accountsURL: accountsURL)
    }

    enum CodingKeys: String, CodingKey {
        case platform, oauth, sync, retry
        case baseURL = "base_url"
        case accountsURL = "accounts_url"
        case adminAccount = "admin_account"
        case userIDType = "user_id_type"
        case appID = "app_id"
        case appSecret = "app_secret"
        case userAccessToken = "user_access_token"
        case timeoutSeconds = "timeout_seconds"
        case maxAttempts = "max_attempts"
    }
}
