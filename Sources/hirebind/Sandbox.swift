// Sandbox: `hirebind sandbox`: the Feishu sandbox alone, for dry runs.

import ArgumentParser
import FeishuSandbox
import HireBind
import Hummingbird
import Logging
import ServiceLifecycle

struct Sandbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the Feishu sandbox alone: a simulator of the exchange binding, OAuth, tenant token and user id APIs for dry runs."
    )

    @Option(name: .long, help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on.")
    var port = 8081

    @Option(name: .long, help: "A user_access_token the sandbox accepts as a tenant super admin's (repeatable).")
    var token: [String] = ["u-sandbox-super-admin"]

    @Option(name: .long, help: "A user_access_token of an ordinary member: binding with it answers 195101 (repeatable).")
    var memberToken: [String] = []

    @Option(name: .long, help: "A Feishu user id that is not in the tenant: binding it answers 195100 (repeatable).")
    var userNotInTenant: [String] = []

    @Option(help: "Share of create calls answered 500 / 190003.") var serverErrorRate = 0.0
    @Option(help: "Share of create calls answered 429 / 190004.") var rateLimitRate = 0.0
    @Option(help: "Share of create calls that bind but answer only after --lost-response-delay seconds.") var lostResponseRate = 0.0
    @Option(help: "Seconds a lost response is held back.") var lostResponseDelay = 5.0
    @Option(help: "Largest random latency added to each create call, in milliseconds.") var maxLatencyMs = 0
    @Flag(help: "Do not enforce Feishu's rate limits (50/s, 1000/min).") var noRateLimits = false
    @Option(help: "The app's app_id (OAuth login, tenant token).") var appID = "cli_sandbox_app"
    @Option(help: "The app's app_secret.") var appSecret = "sandbox-app-secret"
    @Option(help: "Lifetime of issued user_access_tokens, in seconds.") var accessTokenSeconds = 7200.0
    @Option(help: "Lifetime of issued refresh tokens, in seconds.") var refreshTokenSeconds = 604_800.0
    @Option(help: "Lifetime of issued tenant_access_tokens, in seconds.") var tenantTokenSeconds = 7200.0
    @Flag(help: "The person who logs in at the authorize page is an ordinary member (binding answers 195101).") var loginAsMember = false
    @Option(help: "Seconds until a new binding's calendar sync reports done.") var syncSeconds = 2.0
    @Option(help: "An Exchange account whose calendar sync ends in err (repeatable).") var syncFailingAccount: [String] = []
    @Option(help: "The only Exchange admin accounts bound in the tenant; others answer 195106 (repeatable; default: any).") var adminAccount:
        [String] = []
    @Option(help: "The app's event request URL: directory changes (POST /sandbox/users) are delivered there.") var eventURL: String?
    @Option(help: "The Verification Token the events carry.") var verificationToken = "sandbox-verification-token"
    @Option(help: "The Encrypt Key events are encrypted and signed with (none: plain events).") var encryptKey: String?
    @Option(help: "Seconds before each resend of an event not answered 200 (repeatable; default Feishu's 15, 300, 3600, 21600).")
    var eventRetrySeconds: [Double] = []

    func run() async throws {
        LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: .info) }
        let logger = Logger(label: "feishu-sandbox")
        var configuration = SandboxConfiguration(
            superAdminTokens: Set(token), memberTokens: Set(memberToken), adminAccounts: adminAccount.isEmpty ? nil : Set(adminAccount),
            usersNotInTenant: Set(userNotInTenant), syncSeconds: syncSeconds,
            randomFaults: RandomFaults(
                serverErrorRate: serverErrorRate, rateLimitRate: rateLimitRate, lostResponseRate: lostResponseRate,
                lostResponseDelay: lostResponseDelay, latencyMilliseconds: 0...max(0, maxLatencyMs)
            ),
            rateLimits: noRateLimits ? [] : SandboxConfiguration.feishuRateLimits
        )
        configuration.appID = appID
        configuration.appSecret = appSecret
        configuration.userAccessTokenSeconds = accessTokenSeconds
        configuration.refreshTokenSeconds = refreshTokenSeconds
        configuration.tenantAccessTokenSeconds = tenantTokenSeconds
        configuration.loginIsSuperAdmin = !loginAsMember
        configuration.syncFailingAccounts = Set(syncFailingAccount)
        if let eventURL {
            configuration.eventSubscription = SandboxEventSubscription(
                requestURL: eventURL, verificationToken: verificationToken, encryptKey: encryptKey,
                retryDelays: eventRetrySeconds.isEmpty ? SandboxEventSubscription.feishuRetryDelays : eventRetrySeconds
            )
        }
        let sandbox = FeishuSandbox(configuration: configuration)
        let app = sandbox.application(host: host, port: port, logger: logger) { port in
            logger.info("feishu sandbox listening", metadata: ["port": "\(port)"])
        }
        try await app.runService()
    }
}
