// ServiceSecrets: every secret the service needs, resolved once at start from where the configuration points.

public import Secrets
public import WebhookSignature

/// Every secret the service needs, read once at start-up from the places the configuration names.
public struct ServiceSecrets: Sendable {
    /// Active secrets per webhook source, in configuration order.
    public var sourceSecrets: [String: [SigningSecret]]
    /// A fixed user token (`feishu.user_access_token`); nil when the token pair from `hirebind feishu login` is used.
    public var feishuUserAccessToken: Secret?
    public var feishuApp: FeishuAppCredentials?
    public var callbackSecret: SigningSecret
    public var adminToken: Secret?
    /// The Verification Token and Encrypt Keys of each `feishu-events` source.
    public var feishuEventSecrets: [String: FeishuEventSecrets] = [:]
    /// The mailbox directory's Graph client secret or LDAP bind password; nil without a directory.
    public var mailboxDirectorySecret: Secret?
    /// How each HR source with a `fetch:` block signs in to its API.
    public var fetchCredentials: [String: FetchCredentials] = [:]

    public init(
        sourceSecrets: [String: [SigningSecret]], feishuUserAccessToken: Secret?, feishuApp: FeishuAppCredentials? = nil,
        callbackSecret: SigningSecret, adminToken: Secret?
    ) {
        self.sourceSecrets = sourceSecrets
        self.feishuApp = feishuApp
        self.feishuUserAccessToken = feishuUserAccessToken
        self.callbackSecret = callbackSecret
        self.adminToken = adminToken
    }

    /// Resolves the configuration's secret references; errors name the reference, never a value.
    public static func resolve(_ configuration: HireBindConfiguration, environment: [String: String]) throws(ConfigurationError) -> ServiceSecrets {
        var sourceSecrets: [String: [SigningSecret]] = [:]
        var feishuEventSecrets: [String: FeishuEventSecrets] = [:]
        for (name, source) in configuration.sources {
            sourceSecrets[name] = try signingSecrets(of: source, named: name, environment: environment)
            if source.scheme == .feishuEvents, let token = source.verificationToken {
                let resolvedToken = try token.resolve(environment: environment)
                guard resolvedToken.value.utf8.count >= minimumSecretBytes else {
                    throw ConfigurationError(
                        key: "sources.\(name).verification_token",
                        "(\(token)) is too short: Feishu's Verification Token has 32 characters; copy it whole")
                }
                feishuEventSecrets[name] = FeishuEventSecrets(
                    verificationToken: resolvedToken,
                    encryptKeys: try source.encryptKeys.map { reference throws(ConfigurationError) in try reference.resolve(environment: environment)
                    }
                )
            }
        }
        guard let callbackReference = configuration.callbacks.secret else {
            throw ConfigurationError("callbacks.secret: required, results posted to HR callbacks are signed with it")
        }
        let callbackSecret: SigningSecret
        do {
            callbackSecret = try SigningSecret(standardWebhooks: try callbackReference.resolve(environment: environment).value)
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError("callbacks.secret (\(callbackReference)): \(error)")
        }
        guard callbackSecret.key.count >= minimumSecretBytes else {
            throw ConfigurationError(
                key: "callbacks.secret",
                "(\(callbackReference)) is \(callbackSecret.key.count) bytes; it needs at least \(minimumSecretBytes) random bytes (32 recommended)")
        }
        let adminToken = try configuration.admin.token.map { reference throws(ConfigurationError) in try reference.resolve(environment: environment) }
        if let adminToken, adminToken.value.utf8.count < minimumSecretBytes, let reference = configuration.admin.token {
            throw ConfigurationError(
                key: "admin.token", "(\(reference)) is too short: use at least \(minimumSecretBytes) random characters (openssl rand -hex 24)")
        }
        var resolved = ServiceSecrets(
            sourceSecrets: sourceSecrets,
            feishuUserAccessToken: try configuration.feishu.userAccessToken.map { reference throws(ConfigurationError) in
                try reference.resolve(environment: environment)
            },
            feishuApp: try FeishuAppCredentials.resolve(configuration.feishu, environment: environment),
            callbackSecret: callbackSecret,
            adminToken: adminToken
        )
        resolved.feishuEventSecrets = feishuEventSecrets
        for (name, source) in configuration.sources {
            guard let fetch = source.fetch else { continue }
            resolved.fetchCredentials[name] = try FetchCredentials.resolve(
                fetch.auth, timeoutSeconds: fetch.timeoutSeconds, key: "sources.\(name).fetch.auth", environment: environment)
        }
        resolved.mailboxDirectorySecret = try mailboxDirectorySecret(configuration.mailboxDirectory, environment: environment)
        return resolved
    }

    /// One source's active secrets, read as its scheme wants them; refused when one is too short to be safe.
    public static func signingSecrets(
        of source: SourceSettings, named name: String, environment: [String: String]
    ) throws(ConfigurationError) -> [SigningSecret] {
        var secrets: [SigningSecret] = []
        for (index, reference) in source.secrets.enumerated() {
            let text = try reference.resolve(environment: environment).value
            do {
                switch source.scheme {
                case .standardWebhooks: secrets.append(try SigningSecret(standardWebhooks: text))
                case .feishuEvents: throw ConfigurationError("a feishu-events source takes verification_token and encrypt_keys, not secrets")
                // The vendors' keys, tokens and passwords are used as their UTF-8 bytes, as the vendors do.
                default: secrets.append(try SigningSecret(utf8: text))
                }
            } catch {
                throw ConfigurationError("sources.\(name).secrets[\(index)] (\(reference)): \(error)")
            }
        }
        for (index, secret) in secrets.enumerated() where secret.key.count < minimumSecretBytes {
            throw ConfigurationError(
                key: "sources.\(name).secrets[\(index)]",
                "(\(source.secrets[index])) is \(secret.key.count) bytes; a signing secret needs at least \(minimumSecretBytes) random bytes (32 recommended)"
            )
        }
        return secrets
    }

    /// The mailbox directory's Graph client secret or LDAP bind password; nil without a directory.
    public static func mailboxDirectorySecret(
        _ directory: MailboxDirectorySettings, environment: [String: String]
    ) throws(ConfigurationError) -> Secret? {
        switch directory.backend {
        case .graph: try directory.graph?.clientSecret.resolve(environment: environment)
        case .ldap: try directory.ldap?.bindPassword.resolve(environment: environment)
        case nil: nil
        }
    }
}

/// The fewest bytes of key a signing secret, a token or the admin token may have.
let minimumSecretBytes = 16

/// The Feishu app's `app_id` and `app_secret`.
public struct FeishuAppCredentials: Sendable {
    public var appID: Secret
    public var appSecret: Secret

    public init(appID: Secret, appSecret: Secret) {
        self.appID = appID
        self.appSecret = appSecret
    }

    /// Nil when the configuration names none.
    public static func resolve(_ feishu: FeishuSettings, environment: [String: String]) throws(ConfigurationError) -> FeishuAppCredentials? {
        guard let id = feishu.appID, let secret = feishu.appSecret else { return nil }
        return FeishuAppCredentials(appID: try id.resolve(environment: environment), appSecret: try secret.resolve(environment: environment))
    }
}

/// A Feishu event source's Verification Token and Encrypt Keys (newest first).
public struct FeishuEventSecrets: Sendable {
    public var verificationToken: Secret
    public var encryptKeys: [Secret]

    public init(verificationToken: Secret, encryptKeys: [Secret]) {
        self.verificationToken = verificationToken
        self.encryptKeys = encryptKeys
    }
}
