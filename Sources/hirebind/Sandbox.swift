import ArgumentParser
import FeishuSandbox
import HireBind
import Hummingbird
import Logging
import ServiceLifecycle

struct Sandbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the Feishu sandbox alone: a simulator of the exchange binding API for dry runs."
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

    func run() async throws {
        LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: .info) }
        let logger = Logger(label: "feishu-sandbox")
        let sandbox = FeishuSandbox(configuration: SandboxConfiguration(
            superAdminTokens: Set(token), memberTokens: Set(memberToken), usersNotInTenant: Set(userNotInTenant),
            randomFaults: RandomFaults(
                serverErrorRate: serverErrorRate, rateLimitRate: rateLimitRate, lostResponseRate: lostResponseRate,
                lostResponseDelay: lostResponseDelay, latencyMilliseconds: 0...max(0, maxLatencyMs)
            ),
            rateLimits: noRateLimits ? [] : SandboxConfiguration.feishuRateLimits
        ))
        let app = sandbox.application(host: host, port: port, logger: logger) { port in
            logger.info("feishu sandbox listening", metadata: ["port": "\(port)"])
        }
        try await app.runService()
    }
}
