// TokenClientTests: the OAuth client and the tenant token cache against the sandbox.

import AsyncHTTPClient
import DryRun
import FeishuAPI
import FeishuSandbox
import Foundation
import HireBind
import HireBindCore
import HireBindTesting
import Logging
import Secrets
import Testing

/// The OAuth client and the tenant token cache against the sandbox over real HTTP.
@Suite struct TokenClientTests {
    let logger = Logger(label: "token-client-test")

    func withSandbox(_ configure: (inout SandboxConfiguration) -> Void = { _ in }, _ body: (String, FeishuSandbox) async throws -> Void) async throws
    {
        var configuration = SandboxConfiguration(superAdminTokens: [])
        configure(&configuration)
        let sandbox = FeishuSandbox(configuration: configuration)
        let port = PortAnnouncement()
        try await withRunningServices(
            [sandbox.application(host: "127.0.0.1", port: 0, logger: logger, onServerRunning: port.announce)], logger: logger
        ) { _ in
            try await body("http://127.0.0.1:\(await port.port()!)", sandbox)
        }
    }

    @Test func tenantTokenIsCachedAndRenewedBeforeItExpires() async throws {
        // Seconds of slack on each side: under the full suite's load a call can take over a second.
        try await withSandbox({ $0.tenantAccessTokenSeconds = 8 }) { base, sandbox in
            let tokens = TenantAccessTokens(
                httpClient: .shared, hosts: FeishuHosts(singleHost: base), appID: Secret("cli_sandbox_app"), appSecret: Secret("sandbox-app-secret"),
                timeoutSeconds: 5, renewWithin: 4, logger: logger
            )
            let first = try await tokens.token()
            #expect(try await tokens.token() == first)
            try await Task.sleep(for: .milliseconds(4100))
            let renewed = try await tokens.token()
            #expect(renewed != first)
            // Refused by Feishu: dropped and fetched again at once.
            #expect(try await tokens.refused(renewed) != renewed)
            let fetches = await sandbox.state.receivedRequests().filter { $0.path == FeishuSandbox.tenantTokenPath }
            #expect(fetches.count == 3)
        }
    }

    @Test func wrongAppSecretWaitsForAnOperatorWithoutEchoingIt() async throws {
        try await withSandbox { base, _ in
            let tokens = TenantAccessTokens(
                httpClient: .shared, hosts: FeishuHosts(singleHost: base), appID: Secret("cli_sandbox_app"), appSecret: Secret("wrong-secret-value"),
                timeoutSeconds: 5, logger: logger
            )
            let error = try await #require(throws: FeishuCallError.self) { _ = try await tokens.token() }
            #expect(error.errorClass == .waitForOperator)
            #expect(!"\(error) \(error.failure)".contains("wrong-secret-value"))
        }
    }

    @Test func refreshTokenErrorsAreClassified() async throws {
        try await withSandbox { base, _ in
            let oauth = FeishuOAuth(
                httpClient: .shared, hosts: FeishuHosts(singleHost: base), appID: Secret("cli_sandbox_app"), appSecret: Secret("sandbox-app-secret"),
                timeoutSeconds: 5, logger: logger
            )
            let error = try await #require(throws: OAuthError.self) { _ = try await oauth.refresh(Secret("ur-unknown")) }
            #expect(error.code == 20026)
            #expect(!error.isTransient)
            // Only a new login helps; the service names the command (JobFailureMappingTests).
            #expect(error.failure.needsLogin)
            #expect(!error.failure.hint.contains("hirebind"))
            let url = oauth.authorizeURL(redirectURI: "http://127.0.0.1:8914/callback", scopes: ["offline_access", "calendar:calendar"], state: "s")
            #expect(url.hasPrefix(base + "/open-apis/authen/v1/authorize?client_id=cli_sandbox_app&response_type=code"))
            #expect(url.contains("scope=offline_access%20calendar%3Acalendar"))
        }
    }

    @Test func oauthErrorsAreTransientOnlyWhenRetryingHelps() {
        #expect(OAuthError(code: 20050, httpStatus: 500, description: "").isTransient)
        #expect(OAuthError(code: 20072, httpStatus: 400, description: "").isTransient)
        #expect(OAuthError(code: nil, httpStatus: nil, description: "connection refused").isTransient)
        for code in [20026, 20037, 20064, 20073, 20074] {
            #expect(!OAuthError(code: code, httpStatus: 400, description: "").isTransient)
            #expect(OAuthError(code: code, httpStatus: 400, description: "").failure.code == "oauth_\(code)")
        }
    }
}

@Suite struct HTTPClientLoggerTests {
    /// async-http-client logs parts of bodies at trace level: the logger it gets never goes below info.
    @Test func theHTTPClientNeverGetsATraceLogger() {
        var logger = Logger(label: "t")
        logger.logLevel = .trace
        #expect(logger.forHTTPClient.logLevel == .info)
        logger.logLevel = .error
        #expect(logger.forHTTPClient.logLevel == .error)
    }
}
