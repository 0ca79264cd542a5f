import Foundation
import MailboxNaming

/// The intake listener.
public struct ServerSettings: Sendable, Codable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Largest accepted webhook body; larger ones get 413.
    public var maxBodyBytes = 1_048_576
    /// Longest time to receive a webhook's body; a client that trickles it gets 408.
    public var bodyTimeoutSeconds = 10.0
    /// A connection that sends nothing for this long is closed.
    public var idleTimeoutSeconds = 30.0

    public init(host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 1_048_576, bodyTimeoutSeconds: Double = 10, idleTimeoutSeconds: Double = 30) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.bodyTimeoutSeconds = bodyTimeoutSeconds
        self.idleTimeoutSeconds = idleTimeoutSeconds
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        host = try c.value(.host, default: host)
        port = try c.value(.port, default: port)
        maxBodyBytes = try c.value(.maxBodyBytes, default: maxBodyBytes)
        bodyTimeoutSeconds = try c.value(.bodyTimeoutSeconds, default: bodyTimeoutSeconds)
        idleTimeoutSeconds = try c.value(.idleTimeoutSeconds, default: idleTimeoutSeconds)
    }

    enum CodingKeys: String, CodingKey {
        case host, port
        case maxBodyBytes = "max_body_bytes"
        case bodyTimeoutSeconds = "body_timeout_seconds"
        case idleTimeoutSeconds = "idle_timeout_seconds"
    }
}

/// The durable store.
public struct DatabaseSettings: Sendable, Codable {
    /// SQLite file; created with its folder when missing.
    public var path = "var/hirebind.sqlite"
    /// How long a delivered event id is remembered: a repeat within this window gets the first job's answer.
    /// HR senders retry for days; keep it above their retry horizon.
    public var dedupeDays = 7.0

    public init(path: String = "var/hirebind.sqlite", dedupeDays: Double = 7) {
        self.path = path
        self.dedupeDays = dedupeDays
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        path = try c.value(.path, default: path)
        dedupeDays = try c.value(.dedupeDays, default: dedupeDays)
    }

    enum CodingKeys: String, CodingKey {
        case path
        case dedupeDays = "dedupe_days"
    }
}

/// Signature schemes a source may use.
public enum SignatureSchemeName: String, Sendable, Codable {
    case standardWebhooks = "standard-webhooks"
    case hubSignature = "hub-signature-256"
}

/// One HR system posting to `/v1/webhooks/{name}`.
public struct SourceSettings: Sendable, Codable {
    public var scheme = SignatureSchemeName.standardWebhooks
    /// Active secrets, newest first; during a rotation both the old and the new one are listed.
    public var secrets: [SecretReference]
    /// Replay window: how far a signed timestamp may be from now, either way.
    public var toleranceSeconds: Int64 = 300

    public init(scheme: SignatureSchemeName = .standardWebhooks, secrets: [SecretReference], toleranceSeconds: Int64 = 300) {
        self.scheme = scheme
        self.secrets = secrets
        self.toleranceSeconds = toleranceSeconds
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        scheme = try c.value(.scheme, default: scheme)
        secrets = try c.decode([SecretReference].self, forKey: .secrets)
        toleranceSeconds = try c.value(.toleranceSeconds, default: toleranceSeconds)
    }

    enum CodingKeys: String, CodingKey {
        case scheme, secrets
        case toleranceSeconds = "tolerance_seconds"
    }
}

/// How mailbox addresses are formed: either one rule set in short (`domain`, `templates`) or `rule_sets`.
public struct NamingSettings: Sendable, Codable {
    public var domain: String?
    public var templates: [String]?
    public var ruleSets: [NamingRuleSet]?
    public var reserved = NamingPolicy.defaultReserved
    /// A file of former employees' addresses, one per line (`#` starts a comment): never handed out again.
    public var neverReuseFile: String?
    /// Separators allowed in a local part besides a-z and 0-9.
    public var separators = ".-_"

    public init(
        domain: String? = nil, templates: [String]? = nil, ruleSets: [NamingRuleSet]? = nil,
        reserved: [String] = NamingPolicy.defaultReserved, neverReuseFile: String? = nil, separators: String = ".-_"
    ) {
        self.domain = domain
        self.templates = templates
        self.ruleSets = ruleSets
        self.reserved = reserved
        self.neverReuseFile = neverReuseFile
        self.separators = separators
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        domain = try c.decodeIfPresent(String.self, forKey: .domain)
        if let template = try c.decodeIfPresent(String.self, forKey: .template) {
            templates = [template]
        }
        templates = try c.decodeIfPresent([String].self, forKey: .templates) ?? templates
        ruleSets = try c.decodeIfPresent([NamingRuleSet].self, forKey: .ruleSets)
        reserved = try c.value(.reserved, default: reserved)
        neverReuseFile = try c.decodeIfPresent(String.self, forKey: .neverReuseFile)
        separators = try c.value(.separators, default: separators)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(domain, forKey: .domain)
        try c.encodeIfPresent(templates, forKey: .templates)
        try c.encodeIfPresent(ruleSets, forKey: .ruleSets)
        try c.encode(reserved, forKey: .reserved)
        try c.encodeIfPresent(neverReuseFile, forKey: .neverReuseFile)
        try c.encode(separators, forKey: .separators)
    }

    /// The naming policy, with the never-reuse list already read.
    public func policy(neverReuse: Set<String> = []) throws(ConfigurationError) -> NamingPolicy {
        let ruleSets: [NamingRuleSet]
        switch (self.ruleSets, domain) {
        case (let sets?, nil):
            ruleSets = sets
        case (nil, let domain?):
            ruleSets = [NamingRuleSet(domain: domain, templates: templates ?? ["{given}.{family}"])]
        case (.some, .some):
            throw ConfigurationError("naming: give either naming.domain (one rule set) or naming.rule_sets, not both")
        case (nil, nil):
            throw ConfigurationError("naming: naming.domain or naming.rule_sets is required")
        }
        return NamingPolicy(ruleSets: ruleSets, reserved: reserved, neverReuse: neverReuse, separators: separators)
    }

    /// The namer for these rules, with the never-reuse list read from its file.
    public func makeNamer() throws(ConfigurationError) -> MailboxNamer {
        let policy = try policy(neverReuse: loadNeverReuse())
        do {
            return try MailboxNamer(policy: policy)
        } catch {
            throw ConfigurationError("naming: \(error)")
        }
    }

    /// Reads `never_reuse_file`; an empty set when none is configured.
    public func loadNeverReuse() throws(ConfigurationError) -> Set<String> {
        guard let path = neverReuseFile else { return [] }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("naming.never_reuse_file: cannot read \(path)")
        }
        var addresses: Set<String> = []
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let entry = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let address = entry.trimmingCharacters(in: .whitespaces).lowercased()
            if !address.isEmpty { addresses.insert(address) }
        }
        return addresses
    }

    enum CodingKeys: String, CodingKey {
        case domain, template, templates, reserved, separators
        case ruleSets = "rule_sets"
        case neverReuseFile = "never_reuse_file"
    }
}

/// Which open platform hirebind talks to: Feishu (China) or Lark (international).
public enum FeishuPlatform: String, Sendable, Codable {
    case feishu, lark

    public var openBaseURL: String {
        switch self {
        case .feishu: "https://open.feishu.cn"
        case .lark: "https://open.larksuite.com"
        }
    }

    /// Where the tenant super admin signs in and consents (`/open-apis/authen/v1/authorize`).
    public var accountsURL: String {
        switch self {
        case .feishu: "https://accounts.feishu.cn"
        case .lark: "https://accounts.larksuite.com"
        }
    }
}

/// The Feishu (or Lark) open platform.
public struct FeishuSettings: Sendable, Codable {
    public var platform = FeishuPlatform.feishu
    public var baseURL: String
    public var accountsURL: String
    /// The Exchange admin account bindings are made with.
    public var adminAccount: String
    public var userIDType = "open_id"
    /// The app's credentials: for the OAuth login and refresh, and the tenant token that looks user ids up.
    public var appID: SecretReference?
    public var appSecret: SecretReference?
    /// A fixed `user_access_token` instead of `hirebind feishu login` (it is not refreshed: for dry runs).
    public var userAccessToken: SecretReference?
    public var oauth = OAuthSettings()
    public var sync = SyncSettings()
    public var timeoutSeconds = 10.0
    /// Attempts per job before it is given up as dead; rate-limit answers do not count.
    public var maxAttempts = 20
    public var retry = RetryPolicy.feishuDefault

    public init(
        platform: FeishuPlatform = .feishu, baseURL: String? = nil, accountsURL: String? = nil, adminAccount: String,
        userIDType: String = "open_id", appID: SecretReference? = nil, appSecret: SecretReference? = nil,
        userAccessToken: SecretReference? = nil, oauth: OAuthSettings = .init(), sync: SyncSettings = .init(),
        timeoutSeconds: Double = 10, maxAttempts: Int = 20, retry: RetryPolicy = .feishuDefault
    ) {
        self.platform = platform
        self.baseURL = baseURL ?? platform.openBaseURL
        self.accountsURL = accountsURL ?? platform.accountsURL
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
        platform = try c.value(.platform, default: platform)
        baseURL = try c.value(.baseURL, default: platform.openBaseURL)
        accountsURL = try c.value(.accountsURL, default: platform.accountsURL)
        adminAccount = try c.decode(String.self, forKey: .adminAccount)
        userIDType = try c.value(.userIDType, default: userIDType)
        appID = try c.decodeIfPresent(SecretReference.self, forKey: .appID)
        appSecret = try c.decodeIfPresent(SecretReference.self, forKey: .appSecret)
        userAccessToken = try c.decodeIfPresent(SecretReference.self, forKey: .userAccessToken)
        oauth = try c.value(.oauth, default: oauth)
        sync = try c.value(.sync, default: sync)
        timeoutSeconds = try c.value(.timeoutSeconds, default: timeoutSeconds)
        maxAttempts = try c.value(.maxAttempts, default: maxAttempts)
        retry = try c.value(.retry, default: retry)
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

/// The OAuth authorization-code flow `hirebind feishu login` runs, and the refresh that keeps the token alive.
public struct OAuthSettings: Sendable, Codable {
    /// Where Feishu sends the admin back with the code: a listener `feishu login` opens on this host and port.
    /// Register it as a redirect URL in the app's security settings.
    public var redirectURI = "http://127.0.0.1:8914/callback"
    /// `offline_access` is what makes Feishu issue a refresh token; it is added when missing.
    public var scopes = [
        "offline_access", "calendar:exchange.bindings:create", "calendar:calendar", "calendar:calendar:readonly",
    ]
    /// The access token is refreshed when less than this is left.
    public var refreshMarginSeconds = 300.0

    public init(redirectURI: String = "http://127.0.0.1:8914/callback", scopes: [String]? = nil, refreshMarginSeconds: Double = 300) {
        self.redirectURI = redirectURI
        if let scopes { self.scopes = scopes }
        self.refreshMarginSeconds = refreshMarginSeconds
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        redirectURI = try c.value(.redirectURI, default: redirectURI)
        scopes = try c.value(.scopes, default: scopes)
        refreshMarginSeconds = try c.value(.refreshMarginSeconds, default: refreshMarginSeconds)
    }

    /// The scopes asked for, `offline_access` always among them.
    public var requestedScopes: [String] {
        scopes.contains("offline_access") ? scopes : ["offline_access"] + scopes
    }

    enum CodingKeys: String, CodingKey {
        case scopes
        case redirectURI = "redirect_uri"
        case refreshMarginSeconds = "refresh_margin_seconds"
    }
}

/// Following a new binding's calendar sync until it ends, for the second (final) HR callback.
public struct SyncSettings: Sendable, Codable {
    public var follow = true
    /// Statuses that end the follow-up; `cal_done` and `timespan_done` may be added to report sooner.
    public var finalStatuses = ["done", "err"]
    /// First look after the bind, doubled after each look up to `max_poll_seconds`.
    public var firstPollSeconds = 30.0
    public var maxPollSeconds = 1800.0
    /// After this long the follow-up stops and the final callback says the sync had not ended.
    public var deadlineHours = 48.0

    public init(follow: Bool = true, finalStatuses: [String] = ["done", "err"], firstPollSeconds: Double = 30, maxPollSeconds: Double = 1800, deadlineHours: Double = 48) {
        self.follow = follow
        self.finalStatuses = finalStatuses
        self.firstPollSeconds = firstPollSeconds
        self.maxPollSeconds = maxPollSeconds
        self.deadlineHours = deadlineHours
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        follow = try c.value(.follow, default: follow)
        finalStatuses = try c.value(.finalStatuses, default: finalStatuses)
        firstPollSeconds = try c.value(.firstPollSeconds, default: firstPollSeconds)
        maxPollSeconds = try c.value(.maxPollSeconds, default: maxPollSeconds)
        deadlineHours = try c.value(.deadlineHours, default: deadlineHours)
    }

    /// The wait before look number `checks + 1`: doubling from the first, capped, with up to 10 % jitter.
    public func delay(afterChecks checks: Int) -> Double {
        let base = min(maxPollSeconds, firstPollSeconds * pow(2, Double(min(checks, 30))))
        return base * Double.random(in: 1...1.1)
    }

    enum CodingKeys: String, CodingKey {
        case follow
        case finalStatuses = "final_statuses"
        case firstPollSeconds = "first_poll_seconds"
        case maxPollSeconds = "max_poll_seconds"
        case deadlineHours = "deadline_hours"
    }
}

/// The bind workers.
public struct WorkerSettings: Sendable, Codable {
    public var concurrency = 4
    /// How long a leased job belongs to a worker before another may take it over.
    public var leaseSeconds = 60.0
    /// Longest sleep between looks at the queue when nothing wakes the worker.
    public var pollSeconds = 1.0
    /// On SIGTERM, how long in-flight jobs may take to finish before they are cancelled (their leases then
    /// expire and another process takes them over).
    public var drainSeconds = 30.0

    public init(concurrency: Int = 4, leaseSeconds: Double = 60, pollSeconds: Double = 1, drainSeconds: Double = 30) {
        self.concurrency = concurrency
        self.leaseSeconds = leaseSeconds
        self.pollSeconds = pollSeconds
        self.drainSeconds = drainSeconds
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        concurrency = try c.value(.concurrency, default: concurrency)
        leaseSeconds = try c.value(.leaseSeconds, default: leaseSeconds)
        pollSeconds = try c.value(.pollSeconds, default: pollSeconds)
        drainSeconds = try c.value(.drainSeconds, default: drainSeconds)
    }

    enum CodingKeys: String, CodingKey {
        case concurrency
        case leaseSeconds = "lease_seconds"
        case pollSeconds = "poll_seconds"
        case drainSeconds = "drain_seconds"
    }
}

/// Results posted back to the HR system.
public struct CallbackSettings: Sendable, Codable {
    /// Where results go when the event names no `callback_url`; without either, no callback is sent.
    public var defaultURL: String?
    /// Standard Webhooks secret (`whsec_…`) callbacks are signed with.
    public var secret: SecretReference?
    public var timeoutSeconds = 10.0
    public var retry = RetryPolicy.callbackDefault
    /// How long a result is retried before it is dead (listed and retryable by hand).
    public var maxAgeHours = 72.0
    /// Hosts an event's `callback_url` may name (`hr.example.com`, `*.example.com`); `default_url`'s host always may.
    public var allowedHosts: [String] = []
    /// Allow callbacks to loopback, private and link-local addresses (checked on the resolved addresses).
    public var allowPrivateAddresses = false

    public init(
        defaultURL: String? = nil, secret: SecretReference? = nil, timeoutSeconds: Double = 10,
        retry: RetryPolicy = .callbackDefault, maxAgeHours: Double = 72, allowedHosts: [String] = [], allowPrivateAddresses: Bool = false
    ) {
        self.defaultURL = defaultURL
        self.secret = secret
        self.timeoutSeconds = timeoutSeconds
        self.retry = retry
        self.maxAgeHours = maxAgeHours
        self.allowedHosts = allowedHosts
        self.allowPrivateAddresses = allowPrivateAddresses
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        defaultURL = try c.decodeIfPresent(String.self, forKey: .defaultURL)
        secret = try c.decodeIfPresent(SecretReference.self, forKey: .secret)
        timeoutSeconds = try c.value(.timeoutSeconds, default: timeoutSeconds)
        retry = try c.value(.retry, default: retry)
        maxAgeHours = try c.value(.maxAgeHours, default: maxAgeHours)
        allowedHosts = try c.value(.allowedHosts, default: allowedHosts)
        allowPrivateAddresses = try c.value(.allowPrivateAddresses, default: allowPrivateAddresses)
    }

    enum CodingKeys: String, CodingKey {
        case defaultURL = "default_url"
        case secret
        case timeoutSeconds = "timeout_seconds"
        case retry
        case maxAgeHours = "max_age_hours"
        case allowedHosts = "allowed_hosts"
        case allowPrivateAddresses = "allow_private_addresses"
    }
}

/// The admin API (`/v1/jobs…`); disabled when no token is configured.
public struct AdminSettings: Sendable, Codable {
    public var token: SecretReference?

    public init(token: SecretReference? = nil) {
        self.token = token
    }
}

/// The bundled Feishu sandbox, run in the same process for a dry run.
public struct SandboxSettings: Sendable, Codable {
    public var enabled = false
    public var host = "127.0.0.1"
    public var port = 8081

    public init(enabled: Bool = false, host: String = "127.0.0.1", port: Int = 8081) {
        self.enabled = enabled
        self.host = host
        self.port = port
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try c.value(.enabled, default: enabled)
        host = try c.value(.host, default: host)
        port = try c.value(.port, default: port)
    }

    enum CodingKeys: String, CodingKey { case enabled, host, port }
}
