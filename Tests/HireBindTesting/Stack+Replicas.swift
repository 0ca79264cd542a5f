// Stack+Replicas: several replicas of the service on one PostgreSQL database, sharing one sandbox and one receiver.

import AsyncHTTPClient
public import Foundation
import DryRun
import FeishuSandbox
import HireBind
import JobStore
import Logging
import MailboxNaming
import ServiceLifecycle

extension Stack {
    /// Runs `body` with `count` replicas of the service, each with its own listeners and its own connection pool
    /// on one new PostgreSQL database (``PostgresFixture``), all calling one Feishu sandbox and one HR receiver:
    /// what a deployment behind a load balancer is. `stacks[i]` talks to replica `i`.
    public static func replicas(_ count: Int, _ options: Options = Options(), _ body: @Sendable ([Stack]) async throws -> Void) async throws {
        let logger = options.logger
        let (sandbox, receiver) = peers(options)
        let database = try await PostgresFixture.freshDatabase()
        let sandboxPort = PortAnnouncement(), receiverPort = PortAnnouncement()
        let helpers: [any Service] = [
            sandbox.application(host: "127.0.0.1", port: 0, logger: logger, onServerRunning: sandboxPort.announce),
            receiver.application(logger: logger, onServerRunning: receiverPort.announce),
        ]
        try await withRunningServices(helpers, logger: logger) { _ in
            let feishuPort = await sandboxPort.port()!, callbackPort = await receiverPort.port()!
            var configuration = configuration(options, feishuPort: feishuPort, callbackPort: callbackPort)
            configuration.database.url = "postgres://\(database.username)@\(database.host):\(database.port)/\(database.database)?sslmode=disable"
            configuration.database.maxConnections = 8
            let secrets = try ServiceSecrets.resolve(configuration, environment: environment.merging(options.extraEnvironment) { $1 })
            let location = try StoreLocation.of(configuration.database, environment: [:])

            /// Starts replica `index` inside the ones before it, then runs `body` with all of them.
            func start(_ index: Int, _ running: [Stack]) async throws {
                guard index < count else { return try await body(running) }
                let (store, storeServices) = try await location.openForService(maxConnections: configuration.database.maxConnections, logger: logger)
                let servicePort = PortAnnouncement(), adminPort = PortAnnouncement()
                let services = HireBindApplication.build(
                    configuration: configuration, secrets: secrets, namer: try NamingRules.namer(configuration.naming), store: store,
                    httpClient: .shared, logger: logger, onServerRunning: servicePort.announce, onAdminRunning: adminPort.announce)
                try await withRunningServices(storeServices + services, logger: logger) { group in
                    let stack = Stack(
                        group: group, sandbox: sandbox, receiver: receiver, store: store,
                        serviceURL: "http://127.0.0.1:\(await servicePort.port()!)", adminURL: "http://127.0.0.1:\(await adminPort.port()!)",
                        sandboxURL: "http://127.0.0.1:\(feishuPort)", webhookSecret: webhookSecret, callbackSecret: callbackSecret,
                        configuration: configuration, secrets: secrets, routerClient: nil, adminRouterClient: nil)
                    try await start(index + 1, running + [stack])
                }
            }
            try await start(0, [])
        }
    }
}
