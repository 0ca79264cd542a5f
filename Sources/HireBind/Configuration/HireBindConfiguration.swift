// HireBindConfiguration: the whole configuration file, its sections and the checks across them.

import Foundation
import HireBindCore
import JobStore
import MailboxNaming

/// The service's configuration: one YAML file, keys in snake_case, secrets referenced by
/// `{env: NAME}` or `{file: PATH}`. Every section and key but `naming.domain`, `feishu.admin_account`
/// and the sources has a default. Reading the file is ``load(path:)`` (HireBindConfiguration+YAML.swift).
public struct HireBindConfiguration: Sendable, Codable {
    public var server: ServerSettings
    public var database: DatabaseSettings
    public var sources: [String: SourceSettings]
    public var naming: NamingSettings
    public var feishu: FeishuSettings
    public var worker: WorkerSettings
    public var callbacks: CallbackSettings
    public var admin: AdminSettings
    public var sandbox: SandboxSettings
    public var mailboxDirectory: MailboxDirectorySettings

    public init(
        server: ServerSettings = .init(), database: DatabaseSettings = .init(), sources: [String: SourceSettings],
        naming: NamingSettings, feishu: FeishuSettings, worker: WorkerSettings = .init(),
        callbacks: CallbackSettings = .init(), admin: AdminSettings = .init(), sandbox: SandboxSettings = .init(),
        mailboxDirectory: MailboxDirectorySettings = .init()
    ) {
        self.mailboxDirectory = mailboxDirectory
        self.server = server
        self.database = database
        self.sources = sources
        self.naming = naming
        self.feishu = feishu
        self.worker = worker
        self.callbacks = callbacks
        self.admin = admin
        self.sandbox = sandbox
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            server: try c.value(.server, default: .init()),
            database: try c.value(.database, default: .init()),
            sources: try c.decode([String: SourceSettings].self, forKey: .sources),
            naming: try c.decode(NamingSettings.self, forKey: .naming),
            feishu: try c.decode(FeishuSettings.self, forKey: .feishu),
            worker: try c.value(.worker, default: .init()),
            callbacks: try c.value(.callbacks, default: .init()),
            admin: try c.value(.admin, default: .init()),
            sandbox: try c.value(.sandbox, default: .init()),
            mailboxDirectory: try c.value(.mailboxDirectory, default: .init())
        )
    }

    /// Checks what decoding cannot: ranges, combinations, names. Each error names its key.
    public func validate() throws(ConfigurationError) {
        guard !sources.isEmpty else { throw ConfigurationError(key: "sources", "at least one webhook source is required") }
        for (name, source) in sources.sorted(by: { $0.key < $1.key }) {
            guard name.range(of: "^[a-z0-9][a-z0-9_-]{0,63}$", options: .regularExpression) != nil else {
                throw ConfigurationError(key: "sources.\(name)", "a source name is 1–64 characters of a-z, 0-9, '-' and '_'")
            }
            switch source.scheme {
            case .feishuEvents:
                guard source.verificationToken != nil else {
                    throw ConfigurationError(key: "sources.\(name).verification_token", "a feishu-events source needs the app's Verification Token")
                }
                guard ["email", "enterprise_email"].contains(source.addressField) else {
                    throw ConfigurationError(key: "sources.\(name).address_field", "must be email or enterprise_email")
                }
                guard source.reconcileMinutes <= 0 || feishu.appID != nil else {
                    throw ConfigurationError(
                        key: "sources.\(name).reconcile_minutes", "reading the directory needs feishu.app_id and feishu.app_secret (or set 0)")
                }
            default:
                guard !source.secrets.isEmpty else { throw ConfigurationError(key: "sources.\(name).secrets", "at least one secret is required") }
            }
            _ = try source.signatureScheme(source: name)
            _ = try source.clientAllowList(source: name)
            if let map = source.map {
                guard source.scheme != .feishuEvents else {
                    throw ConfigurationError(key: "sources.\(name).map", "a feishu-events source reads Feishu's own events; it takes no map")
                }
                _ = try EventMapping(map, key: "sources.\(name).map", reads: source.fetch?.when)
            }
            if let fetch = source.fetch {
                guard source.scheme != .feishuEvents else {
                    throw ConfigurationError(
                        key: "sources.\(name).fetch", "a feishu-events source reads people from Feishu itself; it takes no fetch")
                }
                guard source.map != nil else {
                    throw ConfigurationError(key: "sources.\(name).fetch", "needs the source's map: to find the person's id in the event")
                }
                try fetch.validate(key: "sources.\(name).fetch")
                _ = try EmployeeMapping(fetch.map, key: "sources.\(name).fetch.map", requiresID: false)
            }
            if let url = source.callbackURL, URL(string: url)?.host == nil {
                throw ConfigurationError(key: "sources.\(name).callback_url", "not an absolute URL")
            }
            guard source.toleranceSeconds > 0, source.toleranceSeconds <= 3600 else {
                throw ConfigurationError(
                    key: "sources.\(name).tolerance_seconds",
                    "must be 1–3600 seconds: a longer replay window lets an old request be replayed (300 is usual)")
            }
        }
        guard database.dedupeDays > 0 else {
            throw ConfigurationError(key: "database.dedupe_days", "must be positive, and longer than the senders retry (7 is usual)")
        }
        guard database.historyDays > 0 else {
            throw ConfigurationError(key: "database.history_days", "must be positive (90 keeps a quarter of attempts and deliveries for audits)")
        }
        guard database.housekeepingMinutes > 0 else {
            throw ConfigurationError(key: "database.housekeeping_minutes", "must be positive (60: old records are purged hourly)")
        }
        if let url = database.url {
            do {
                _ = try PostgresLocation(url: url)
            } catch let error as PostgresLocationError {
                throw ConfigurationError(key: "database.url", error.reason)
            } catch {
                throw ConfigurationError(key: "database.url", "\(error)")
            }
        }
        guard database.maxConnections >= 2, database.maxConnections <= 1000 else {
            throw ConfigurationError(key: "database.max_connections", "must be 2–1000 (20 is usual; one connection listens for new work)")
        }
        guard server.maxBodyBytes > 0 else { throw ConfigurationError(key: "server.max_body_bytes", "must be positive") }
        guard admin.console.sessionMinutes > 0, admin.console.sessionMinutes <= 7 * 24 * 60 else {
            throw ConfigurationError(key: "admin.console.session_minutes", "must be more than 0 and at most 10080 (a week)")
        }
        if !admin.console.loginRedirectURI.isEmpty {
            guard let url = URLComponents(string: admin.console.loginRedirectURI), ["http", "https"].contains(url.scheme), url.host != nil,
                url.path.hasSuffix("/console/feishu/callback")
            else {
                throw ConfigurationError(
                    key: "admin.console.login_redirect_uri", "must be an absolute http(s) URL of the console's /console/feishu/callback")
            }
        }
        guard admin.port == 0 || admin.port != server.port || admin.host != server.host else {
            throw ConfigurationError(key: "admin.port", "the admin listener needs a port of its own (server.port is \(server.port))")
        }
        guard server.authFailureLimit > 0, server.authFailureWindowSeconds > 0 else {
            throw ConfigurationError(key: "server.auth_failure_limit", "auth_failure_limit and auth_failure_window_seconds must be positive")
        }
        guard worker.concurrency > 0 else { throw ConfigurationError(key: "worker.concurrency", "must be positive") }
        guard worker.leaseSeconds > 0 else { throw ConfigurationError(key: "worker.lease_seconds", "must be positive") }
        try validateFeishu()
        let policy: NamingPolicy
        do {
            policy = try NamingRules.policy(naming)
            _ = try MailboxNamer(policy: policy)
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(key: "naming", "\(error)")
        }
        try mailboxDirectory.validate(ruleSetNames: Set(policy.ruleSets.map(\.name)))
    }

    /// What is allowed but worth changing, or needs doing in the Feishu console; `check-config` prints it.
    public func advice() -> [String] {
        var advice: [String] = []
        if !["127.0.0.1", "::1", "localhost"].contains(admin.host) {
            advice.append(
                "admin.host is \(admin.host): the admin API and the metrics are reachable from the network; keep them on loopback or behind a firewall"
            )
        }
        let ruleSetNames = ((try? NamingRules.policy(naming))?.ruleSets.map(\.name)) ?? []
        advice += mailboxDirectory.advice(ruleSetNames: ruleSetNames)
        for (name, source) in sources.sorted(by: { $0.key < $1.key }) where !source.hasReplayWindow {
            let what = [.personio, .token, .workday, .basic].contains(source.scheme) ? "signs nothing and has" : "signs no timestamp, hence has"
            advice.append(
                "sources.\(name): \(source.scheme.rawValue) \(what) no replay window: a captured request can be sent again; "
                    + (source.verify.allowIPs.isEmpty ? "list the sender's networks in verify.allow_ips, and " : "")
                    + "keep the deduplication window (database.dedupe_days) longer than the sender retries"
            )
        }
        for (name, source) in sources.sorted(by: { $0.key < $1.key }) {
            guard let fetch = source.fetch, let url = URL(string: fetch.url.replacingOccurrences(of: FetchSettings.placeholder, with: "id")),
                url.scheme?.lowercased() == "http", !["127.0.0.1", "::1", "localhost"].contains(url.host ?? "")
            else { continue }
            advice.append("sources.\(name).fetch.url is http: the HR API's credentials and people's records cross the network unencrypted; use https")
        }
        for (name, source) in sources.sorted(by: { $0.key < $1.key }) where source.scheme == .feishuEvents {
            if source.encryptKeys.isEmpty {
                advice.append(
                    "sources.\(name): no encrypt_keys: Feishu's events are checked by the Verification Token alone; set an Encrypt Key in the app's console and list it here"
                )
            }
            var scopes = ["contact:user.base:readonly"]
            if source.addressField == "email" {
                scopes.append("contact:user.email:readonly")
            } else {
                scopes.append("contact:user.email:readonly (enterprise_email)")
            }
            if feishu.userIDType == "user_id" { scopes.append("contact:user.employee_id:readonly") }
            if source.reconcileMinutes > 0 { scopes += ["contact:department.base:readonly", "contact:contact.base:readonly"] }
            advice.append(
                "sources.\(name): subscribe contact.user.created_v3 and contact.user.deleted_v3 (schema 2.0) at /v1/webhooks/\(name); the app needs the scopes \(scopes.joined(separator: ", ")): a field whose scope is missing does not arrive"
            )
        }
        return advice
    }

    func validateFeishu() throws(ConfigurationError) {
        guard feishu.maxAttempts > 0 else { throw ConfigurationError(key: "feishu.max_attempts", "must be positive") }
        guard ["open_id", "union_id", "user_id"].contains(feishu.userIDType) else {
            throw ConfigurationError(key: "feishu.user_id_type", "must be open_id, union_id or user_id")
        }
        guard URL(string: feishu.baseURL)?.host != nil else { throw ConfigurationError(key: "feishu.base_url", "not an absolute URL") }
        guard URL(string: feishu.accountsURL)?.host != nil else { throw ConfigurationError(key: "feishu.accounts_url", "not an absolute URL") }
        guard (feishu.appID == nil) == (feishu.appSecret == nil) else {
            throw ConfigurationError(
                key: feishu.appID == nil ? "feishu.app_secret" : "feishu.app_id", "give both feishu.app_id and feishu.app_secret, or neither")
        }
        guard feishu.userAccessToken != nil || feishu.appID != nil else {
            throw ConfigurationError(
                key: "feishu", "give app_id and app_secret (then run `hirebind feishu login` once), or a fixed user_access_token"
            )
        }
        let sync = feishu.sync
        guard sync.firstPollSeconds > 0, sync.maxPollSeconds >= sync.firstPollSeconds, sync.deadlineHours > 0 else {
            throw ConfigurationError(key: "feishu.sync", "first_poll_seconds > 0, max_poll_seconds >= first_poll_seconds and deadline_hours > 0")
        }
        guard let redirect = URL(string: feishu.oauth.redirectURI), redirect.host != nil, redirect.port != nil else {
            throw ConfigurationError(
                key: "feishu.oauth.redirect_uri", "an absolute http URL with a port, such as http://127.0.0.1:8914/callback"
            )
        }
        guard (1...500).contains(feishu.adminAccount.count) else { throw ConfigurationError(key: "feishu.admin_account", "1–500 characters") }
    }

    enum CodingKeys: String, CodingKey {
        case server, database, sources, naming, feishu, worker, callbacks, admin, sandbox
        case mailboxDirectory = "mailbox_directory"
    }
}

/// Decodes a key with a default when it is absent.
extension KeyedDecodingContainer {
    func value<T: Decodable>(_ key: Key, default value: T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? value
    }
}
