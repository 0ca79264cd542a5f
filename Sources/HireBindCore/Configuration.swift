import Foundation
import MailboxNaming
import Yams

/// The service's configuration: one YAML file, keys in snake_case, secrets referenced by
/// `{env: NAME}` or `{file: PATH}`. Every section and key but `naming.domain`, `feishu.admin_account`
/// and the sources has a default.
public struct HireBindConfiguration: Sendable, Codable {
    public var server = ServerSettings()
    public var database = DatabaseSettings()
    public var sources: [String: SourceSettings] = [:]
    public var naming: NamingSettings
    public var feishu: FeishuSettings
    public var worker = WorkerSettings()
    public var callbacks = CallbackSettings()
    public var admin = AdminSettings()
    public var sandbox = SandboxSettings()

    public init(
        server: ServerSettings = .init(), database: DatabaseSettings = .init(), sources: [String: SourceSettings],
        naming: NamingSettings, feishu: FeishuSettings, worker: WorkerSettings = .init(),
        callbacks: CallbackSettings = .init(), admin: AdminSettings = .init(), sandbox: SandboxSettings = .init()
    ) {
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
        server = try c.decodeIfPresent(ServerSettings.self, forKey: .server) ?? .init()
        database = try c.decodeIfPresent(DatabaseSettings.self, forKey: .database) ?? .init()
        sources = try c.decode([String: SourceSettings].self, forKey: .sources)
        naming = try c.decode(NamingSettings.self, forKey: .naming)
        feishu = try c.decode(FeishuSettings.self, forKey: .feishu)
        worker = try c.decodeIfPresent(WorkerSettings.self, forKey: .worker) ?? .init()
        callbacks = try c.decodeIfPresent(CallbackSettings.self, forKey: .callbacks) ?? .init()
        admin = try c.decodeIfPresent(AdminSettings.self, forKey: .admin) ?? .init()
        sandbox = try c.decodeIfPresent(SandboxSettings.self, forKey: .sandbox) ?? .init()
    }

    /// Reads and checks a YAML configuration file.
    public static func load(path: String) throws(ConfigurationError) -> HireBindConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("cannot read configuration file \(path)")
        }
        return try parse(yaml: String(decoding: data, as: UTF8.self), origin: path)
    }

    public static func parse(yaml: String, origin: String = "configuration") throws(ConfigurationError) -> HireBindConfiguration {
        let configuration: HireBindConfiguration
        do {
            configuration = try YAMLDecoder().decode(HireBindConfiguration.self, from: yaml)
        } catch let error as DecodingError {
            throw ConfigurationError("\(origin): \(ConfigurationError.describe(error))")
        } catch {
            throw ConfigurationError("\(origin): not valid YAML: \(error)")
        }
        try configuration.validate()
        return configuration
    }

    public func validate() throws(ConfigurationError) {
        guard !sources.isEmpty else { throw ConfigurationError("sources: at least one webhook source is required") }
        for (name, source) in sources {
            guard name.range(of: "^[a-z0-9][a-z0-9_-]{0,63}$", options: .regularExpression) != nil else {
                throw ConfigurationError("sources.\(name): a source name is 1–64 characters of a-z, 0-9, '-' and '_'")
            }
            guard !source.secrets.isEmpty else { throw ConfigurationError("sources.\(name).secrets: at least one secret is required") }
            guard source.toleranceSeconds > 0 else { throw ConfigurationError("sources.\(name).tolerance_seconds: must be positive") }
        }
        guard server.maxBodyBytes > 0 else { throw ConfigurationError("server.max_body_bytes: must be positive") }
        guard worker.concurrency > 0 else { throw ConfigurationError("worker.concurrency: must be positive") }
        guard worker.leaseSeconds > 0 else { throw ConfigurationError("worker.lease_seconds: must be positive") }
        guard feishu.maxAttempts > 0 else { throw ConfigurationError("feishu.max_attempts: must be positive") }
        guard ["open_id", "union_id", "user_id"].contains(feishu.userIDType) else {
            throw ConfigurationError("feishu.user_id_type: must be open_id, union_id or user_id")
        }
        guard URL(string: feishu.baseURL)?.host != nil else { throw ConfigurationError("feishu.base_url: not an absolute URL") }
        guard URL(string: feishu.accountsURL)?.host != nil else { throw ConfigurationError("feishu.accounts_url: not an absolute URL") }
        guard (feishu.appID == nil) == (feishu.appSecret == nil) else {
            throw ConfigurationError("feishu.app_id and feishu.app_secret: give both or neither")
        }
        guard feishu.userAccessToken != nil || feishu.appID != nil else {
            throw ConfigurationError(
                "feishu: give app_id and app_secret (then run `hirebind feishu login` once), or a fixed user_access_token"
            )
        }
        guard feishu.sync.firstPollSeconds > 0, feishu.sync.maxPollSeconds >= feishu.sync.firstPollSeconds, feishu.sync.deadlineHours > 0 else {
            throw ConfigurationError("feishu.sync: first_poll_seconds > 0, max_poll_seconds >= first_poll_seconds and deadline_hours > 0")
        }
        guard let redirect = URL(string: feishu.oauth.redirectURI), redirect.host != nil, redirect.port != nil else {
            throw ConfigurationError("feishu.oauth.redirect_uri: an absolute http URL with a port, such as http://127.0.0.1:8914/callback")
        }
        guard (1...500).contains(feishu.adminAccount.count) else { throw ConfigurationError("feishu.admin_account: 1–500 characters") }
        let policy = try naming.policy()
        do {
            _ = try MailboxNamer(policy: policy)
        } catch {
            throw ConfigurationError("naming: \(error)")
        }
    }

    enum CodingKeys: String, CodingKey {
        case server, database, sources, naming, feishu, worker, callbacks, admin, sandbox
    }
}

extension ConfigurationError {
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): required key is missing"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(type), found nothing"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

/// Decodes a key with a default when it is absent.
extension KeyedDecodingContainer {
    func value<T: Decodable>(_ key: Key, default value: T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? value
    }
}
