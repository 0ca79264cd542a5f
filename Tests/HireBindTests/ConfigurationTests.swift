// ConfigurationTests: the configuration file: defaults, refusals, secrets, and errors located by line and key.

import Foundation
import HireBind
import HireBindCore
import HireBindTesting
import MailboxNaming
import Secrets
import Testing

@Suite struct ConfigurationTests {
    /// The committed example must always load.
    @Test func exampleConfigurationLoads() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../hirebind.example.yaml").standardized.path
        let configuration = try HireBindConfiguration.load(path: path)
        #expect(configuration.sources["workday"] != nil)
        #expect(configuration.server.maxBodyBytes == 1_048_576)
        #expect(configuration.naming.ruleSets?.map(\.name) == ["china", "japan", "default"])
        #expect(try NamingRules.namer(configuration.naming).policy.ruleSets.count == 3)
    }

    /// The fewest keys a configuration needs.
    static let minimal = """
        sources:
          hr:
            secrets: [{env: HR_SECRET}]
        naming:
          domain: example.com
        feishu:
          admin_account: admin@example.com
          user_access_token: {env: FEISHU_TOKEN}

        """

    @Test func defaultsApply() throws {
        let configuration = try HireBindConfiguration.parse(yaml: Self.minimal)
        #expect(configuration.server.port == 8080)
        #expect(configuration.server.maxBodyBytes == 1_048_576)
        #expect(configuration.sources["hr"]?.toleranceSeconds == 300)
        #expect(configuration.sources["hr"]?.scheme == .standardWebhooks)
        #expect(configuration.feishu.userIDType == "open_id")
        #expect(configuration.feishu.baseURL == "https://open.feishu.cn")
        #expect(configuration.worker.concurrency == 4)
        #expect(configuration.database.path == "var/hirebind.sqlite")
    }

    @Test func theConsoleIsOnWithSafeDefaultsAndRefusesBadSettings() throws {
        let base = Self.minimal
        let defaults = try HireBindConfiguration.parse(yaml: base).admin.console
        #expect(defaults.enabled && defaults.sessionMinutes == 480 && defaults.secureCookie == .auto && defaults.loginRedirectURI.isEmpty)
        let set = try HireBindConfiguration.parse(
            yaml: base
                + "admin: {console: {session_minutes: 30, secure_cookie: always, login_redirect_uri: https://hirebind.corp/console/feishu/callback}}"
        ).admin.console
        #expect(set.sessionMinutes == 30 && set.secureCookie == .always && set.loginRedirectURI == "https://hirebind.corp/console/feishu/callback")
        for (bad, key) in [
            ("{session_minutes: 0}", "admin.console.session_minutes"), ("{session_minutes: 20000}", "admin.console.session_minutes"),
            ("{login_redirect_uri: https://hirebind.corp/callback}", "admin.console.login_redirect_uri"),
            ("{login_redirect_uri: 'javascript:alert(1)'}", "admin.console.login_redirect_uri"),
        ] {
            let error = try? #require(throws: ConfigurationError.self) { try HireBindConfiguration.parse(yaml: base + "admin: {console: \(bad)}") }
            #expect(error?.key == key, "\(bad)")
        }
        #expect(throws: ConfigurationError.self) { try HireBindConfiguration.parse(yaml: base + "admin: {console: {secure_cookie: sometimes}}") }
    }

    @Test func larkPlatformSetsBothURLs() throws {
        let configuration = try HireBindConfiguration.parse(
            yaml: """
                sources: {hr: {secrets: [{env: HR_SECRET}]}}
                naming: {domain: example.com}
                feishu:
                  platform: lark
                  admin_account: admin@example.com
                  app_id: {env: APP_ID}
                  app_secret: {file: /run/secrets/app_secret}
                """)
        #expect(configuration.feishu.baseURL == "https://open.larksuite.com")
        #expect(configuration.feishu.accountsURL == "https://accounts.larksuite.com")
        #expect(configuration.feishu.appSecret == .file("/run/secrets/app_secret"))
        #expect(configuration.feishu.userAccessToken == nil)
        #expect(configuration.feishu.oauth.requestedScopes.first == "offline_access")
        #expect(configuration.feishu.sync.finalStatuses == ["done", "err"])
    }

    @Test func feishuNeedsALoginOrAToken() {
        let error = try? #require(throws: ConfigurationError.self) {
            try HireBindConfiguration.parse(
                yaml: """
                    sources: {hr: {secrets: [{env: HR_SECRET}]}}
                    naming: {domain: example.com}
                    feishu: {admin_account: admin@example.com}
                    """)
        }
        #expect(error?.message.contains("hirebind feishu login") == true)
    }

    @Test func offlineAccessIsAlwaysAskedFor() {
        #expect(
            OAuthSettings(scopes: ["calendar:exchange.bindings:create"]).requestedScopes == ["offline_access", "calendar:exchange.bindings:create"])
    }

    @Test func missingKeyIsNamed() {
        let error = try? #require(throws: ConfigurationError.self) {
            try HireBindConfiguration.parse(
                yaml: """
                    sources: {hr: {secrets: [{env: X}]}}
                    naming: {domain: example.com}
                    feishu: {user_access_token: {env: T}}
                    """)
        }
        #expect(error?.message.contains("feishu.admin_account") == true)
    }

    @Test func inlineSecretIsRefused() {
        let error = try? #require(throws: ConfigurationError.self) {
            try HireBindConfiguration.parse(
                yaml: """
                    sources: {hr: {secrets: ["whsec_plaintext"]}}
                    naming: {domain: example.com}
                    feishu: {admin_account: a@example.com, user_access_token: {env: T}}
                    """)
        }
        #expect(error?.message.contains("sources.hr.secrets") == true)
    }

    @Test func badValuesAreRefused() {
        #expect(throws: ConfigurationError.self) {
            try HireBindConfiguration.parse(
                yaml: """
                    sources: {hr: {secrets: [{env: X}]}}
                    naming: {domain: example.com}
                    feishu: {admin_account: a@example.com, user_access_token: {env: T}, user_id_type: email}
                    """)
        }
        #expect(throws: ConfigurationError.self) {
            try HireBindConfiguration.parse(
                yaml: """
                    sources: {"Bad Name": {secrets: [{env: X}]}}
                    naming: {domain: example.com}
                    feishu: {admin_account: a@example.com, user_access_token: {env: T}}
                    """)
        }
    }

    @Test func secretsResolveWithoutRevealingThemselves() throws {
        let secret = try SecretReference.environment("TOKEN").resolve(environment: ["TOKEN": " s3cr3t\n"])
        #expect(secret.value == "s3cr3t")
        #expect("\(secret)" == "<redacted>")
        let error = try #require(throws: ConfigurationError.self) { try SecretReference.environment("MISSING").resolve(environment: [:]) }
        #expect(error.message == "environment variable MISSING is not set")
    }

    @Test func retryDelaysGrowAndStayCapped() {
        let policy = RetryPolicy(baseSeconds: 2, maxSeconds: 60)
        for retry in 1...20 {
            let delay = policy.delay(beforeRetry: retry)
            let ceiling = min(60, 2 * Double(1 << min(retry - 1, 30)))
            #expect(delay >= ceiling / 2 && delay <= ceiling)
        }
    }
}

@Suite struct ConfigurationLocationTests {
    static let yaml = """
        sources:
          hr:
            secrets: [{env: HR_SECRET}]
        naming:
          domain: example.com
        feishu:
          admin_account: admin@example.com
          user_access_token: {env: T}
          user_id_type: email
        """

    @Test func aBadValueIsNamedByFileLineAndKey() {
        let error = try? #require(throws: ConfigurationError.self) { try HireBindConfiguration.parse(yaml: Self.yaml, origin: "hirebind.yaml") }
        #expect(error?.key == "feishu.user_id_type")
        #expect(error?.line == 9)
        #expect(error?.description == "hirebind.yaml:9: feishu.user_id_type: must be open_id, union_id or user_id")
    }

    @Test func aWrongTypeIsNamedByItsLine() {
        let yaml = Self.yaml.replacingOccurrences(of: "user_id_type: email", with: "timeout_seconds: soon")
        let error = try? #require(throws: ConfigurationError.self) { try HireBindConfiguration.parse(yaml: yaml, origin: "hirebind.yaml") }
        #expect(error?.line == 9)
        #expect(error?.description.hasPrefix("hirebind.yaml:9: feishu.timeout_seconds:") == true)
    }

    @Test func aMissingKeyPointsAtItsSection() {
        let yaml = Self.yaml.replacingOccurrences(of: "  admin_account: admin@example.com\n", with: "")
        let error = try? #require(throws: ConfigurationError.self) { try HireBindConfiguration.parse(yaml: yaml, origin: "hirebind.yaml") }
        #expect(error?.message == "feishu.admin_account: required key is missing")
        #expect(error?.line == 6)
    }

    @Test func aKeyInsideAListIsFound() {
        let yaml = Self.yaml.replacingOccurrences(of: "secrets: [{env: HR_SECRET}]", with: "secrets:\n      - {env: HR_SECRET}\n      - whsec_inline")
        let error = try? #require(throws: ConfigurationError.self) { try HireBindConfiguration.parse(yaml: yaml, origin: "hirebind.yaml") }
        #expect(error?.key == "sources.hr.secrets[1]")
        #expect(error?.line == 5)
    }
}

@Suite struct FeishuEventSourceConfigurationTests {
    static let yaml = """
        sources:
          feishu:
            scheme: feishu-events
            verification_token: {env: TOKEN}
        naming: {domain: example.com}
        feishu: {admin_account: a@example.com, app_id: {env: A}, app_secret: {env: S}, user_id_type: user_id}
        """

    @Test func aPlainTokenOnlySourceIsAllowedWithAdviceAndScopes() throws {
        let configuration = try HireBindConfiguration.parse(yaml: Self.yaml)
        #expect(configuration.sources["feishu"]?.reconcileMinutes == 60)
        let advice = configuration.advice().joined(separator: "\n")
        #expect(advice.contains("no encrypt_keys"))
        #expect(advice.contains("contact:user.employee_id:readonly"))
        #expect(advice.contains("contact.user.created_v3"))
    }

    @Test func aFeishuSourceNeedsItsTokenAndReconciliationTheApp() {
        let noToken = Self.yaml.replacingOccurrences(of: "    verification_token: {env: TOKEN}\n", with: "")
        let error = try? #require(throws: ConfigurationError.self) { try HireBindConfiguration.parse(yaml: noToken) }
        #expect(error?.key == "sources.feishu.verification_token")
        let noApp = Self.yaml.replacingOccurrences(of: "app_id: {env: A}, app_secret: {env: S}", with: "user_access_token: {env: T}")
        let appError = try? #require(throws: ConfigurationError.self) { try HireBindConfiguration.parse(yaml: noApp) }
        #expect(appError?.key == "sources.feishu.reconcile_minutes")
    }
}

@Suite struct UnsafeConfigurationTests {
    static let base = """
        sources:
          hr:
            secrets: [{env: HR_SECRET}]
        naming: {domain: example.com}
        feishu: {admin_account: a@example.com, user_access_token: {env: T}}
        callbacks: {secret: {env: CB}}
        admin: {token: {env: ADMIN}}
        """
    static let strong = "whsec_" + Data(repeating: 9, count: 32).base64EncodedString()
    static let environment = ["HR_SECRET": strong, "CB": strong, "T": "t", "ADMIN": String(repeating: "a", count: 24)]

    @Test func safeValuesPass() throws {
        _ = try ServiceSecrets.resolve(try HireBindConfiguration.parse(yaml: Self.base), environment: Self.environment)
    }

    @Test func aShortWebhookSecretIsRefused() throws {
        let configuration = try HireBindConfiguration.parse(yaml: Self.base)
        var environment = Self.environment
        environment["HR_SECRET"] = "whsec_" + Data([1]).base64EncodedString()
        let error = try #require(throws: ConfigurationError.self) { try ServiceSecrets.resolve(configuration, environment: environment) }
        #expect(error.key == "sources.hr.secrets[0]")
        #expect(error.message.contains("at least 16"))
    }

    @Test func aOneCharacterAdminTokenIsRefused() throws {
        let configuration = try HireBindConfiguration.parse(yaml: Self.base)
        var environment = Self.environment
        environment["ADMIN"] = "x"
        let error = try #require(throws: ConfigurationError.self) { try ServiceSecrets.resolve(configuration, environment: environment) }
        #expect(error.key == "admin.token")
    }

    @Test func aWorldReadableSecretFileIsRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hirebind-secret-\(UUID().uuidString)").path
        FileManager.default.createFile(atPath: path, contents: Data(Self.strong.utf8), attributes: [.posixPermissions: 0o644])
        let error = try #require(throws: ConfigurationError.self) { try SecretReference.file(path).resolve(environment: [:]) }
        #expect(error.message.contains("chmod 600"))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        #expect(try SecretReference.file(path).resolve(environment: [:]).value == Self.strong)
    }

    @Test func aTenYearReplayWindowAndANegativeDedupeWindowAreRefused() {
        let replay = Self.base.replacingOccurrences(
            of: "secrets: [{env: HR_SECRET}]", with: "secrets: [{env: HR_SECRET}]\n    tolerance_seconds: 315360000")
        let replayError = try? #require(throws: ConfigurationError.self) { try HireBindConfiguration.parse(yaml: replay) }
        #expect(replayError?.key == "sources.hr.tolerance_seconds")
        let dedupe = Self.base + "\ndatabase: {dedupe_days: -1}"
        let dedupeError = try? #require(throws: ConfigurationError.self) { try HireBindConfiguration.parse(yaml: dedupe) }
        #expect(dedupeError?.key == "database.dedupe_days")
    }

    @Test func aSchemeWithoutReplayWindowIsWarnedAbout() throws {
        let hub = Self.base.replacingOccurrences(
            of: "secrets: [{env: HR_SECRET}]", with: "scheme: hub-signature-256\n    secrets: [{env: HR_SECRET}]")
        #expect(try HireBindConfiguration.parse(yaml: hub).advice().contains { $0.contains("no replay window") })
    }
}
