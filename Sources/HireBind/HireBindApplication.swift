import AsyncHTTPClient
import FeishuAPI
import FeishuSandbox
import Foundation
import HireBindCore
import HTTPTypes
import Hummingbird
import JobStore
import MailboxNaming
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// Assembles the service: the intake and admin routes, the bind workers and the callback deliverer,
/// and, for a dry run, the Feishu sandbox in the same process.
public enum HireBindApplication {
    /// Builds the services in the order a service group must run them: the sandbox (when enabled), the HTTP
    /// server, the bind workers, the callback deliverer and the drain signal. Shutdown runs in reverse: the drain
    /// signal turns webhooks away with 503, the deliverer and the workers finish what they hold, then the
    /// server stops. `httpClient` is owned by the caller, who shuts it down after the services stop.
    public static func build(
        configuration: HireBindConfiguration,
        secrets: ServiceSecrets,
        namer: MailboxNamer,
        store: any JobStore,
        httpClient: HTTPClient,
        metrics: HireBindMetrics = HireBindMetrics(),
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in },
        onSandboxRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> [any Service] {
        var services: [any Service] = []
        let drain = DrainSignal()
        var feishuSettings = configuration.feishu
        if configuration.sandbox.enabled {
            var sandboxConfiguration = SandboxConfiguration(superAdminTokens: Set([secrets.feishuUserAccessToken?.value].compactMap { $0 }))
            if let app = secrets.feishuApp {
                sandboxConfiguration.appID = app.appID.value
                sandboxConfiguration.appSecret = app.appSecret.value
            }
            let sandbox = FeishuSandbox(configuration: sandboxConfiguration)
            var sandboxLogger = logger
            sandboxLogger[metadataKey: "component"] = "feishu-sandbox"
            services.append(sandbox.application(
                host: configuration.sandbox.host, port: configuration.sandbox.port, logger: sandboxLogger, onServerRunning: onSandboxRunning
            ))
            feishuSettings.baseURL = "http://\(configuration.sandbox.host):\(configuration.sandbox.port)"
            feishuSettings.accountsURL = feishuSettings.baseURL
        }
        let jobBell = Doorbell()
        let health = FeishuHealth(metrics: metrics)
        let callbackBell = Doorbell()
        let feishu = FeishuClient(httpClient: httpClient, baseURL: feishuSettings.baseURL, timeoutSeconds: feishuSettings.timeoutSeconds, logger: logger)
        let tokens = userAccessTokens(feishuSettings, secrets: secrets, store: store, httpClient: httpClient, health: health, metrics: metrics, logger: logger)
        let tenantTokens = secrets.feishuApp.map { app in
            TenantAccessTokens(
                httpClient: httpClient, baseURL: feishuSettings.baseURL, appID: app.appID, appSecret: app.appSecret,
                timeoutSeconds: feishuSettings.timeoutSeconds, logger: logger
            )
        }
        var workers: [any Service] = []
        workers.append(BindWorker(
            store: store, feishu: feishu, tokens: tokens, resolver: UserIDResolver(feishu: feishu, tenantTokens: tenantTokens),
            settings: configuration.worker, sync: feishuSettings.sync, maxAttempts: feishuSettings.maxAttempts, retry: feishuSettings.retry,
            jobs: jobBell, callbacks: callbackBell, health: health, metrics: metrics, logger: logger
        ))
        if let refreshing = tokens as? RefreshingUserAccessToken {
            let margin = feishuSettings.oauth.refreshMarginSeconds
            workers.append(UserTokenKeeper(
                tokens: refreshing, health: health, interval: .milliseconds(Int64(min(60, max(0.2, margin / 2)) * 1000)), logger: logger
            ))
        }
        if feishuSettings.sync.follow {
            workers.append(SyncWatcher(
                store: store, feishu: feishu, tokens: tokens, settings: feishuSettings.sync, pollSeconds: configuration.worker.pollSeconds,
                callbacks: callbackBell, logger: logger
            ))
        }
        workers.append(Housekeeper(store: store, dedupeDays: configuration.database.dedupeDays, logger: logger))
        workers.append(CallbackDeliverer(
            store: store, httpClient: httpClient, secret: secrets.callbackSecret, settings: configuration.callbacks,
            pollSeconds: configuration.worker.pollSeconds, doorbell: callbackBell, logger: logger
        ))

        let router = Router()
        router.add(middleware: JSONErrorMiddleware())
        WebhookRoutes(configuration: configuration, secrets: secrets, namer: namer, store: store, doorbell: jobBell, drain: drain).addRoutes(to: router)
        AdminRoutes(store: store, token: secrets.adminToken).addRoutes(to: router)
        router.get("/healthz") { _, _ in Response.json(.ok, ["status": "ok"]) }
        router.get("/readyz") { _, _ in
            if drain.isDraining {
                throw APIError(.serviceUnavailable, code: "shutting_down", message: "hirebind is shutting down")
            }
            if let problem = health.operatorAttention {
                throw APIError(.serviceUnavailable, code: "feishu_credentials", message: "degraded: jobs wait: \(problem.code) \(problem.message): \(problem.hint)")
            }
            _ = try await store.nextDueDate(.jobs)
            return Response.json(.ok, ["status": "ready"])
        }
        router.get("/metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }

        let app = Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: .milliseconds(Int64(configuration.server.idleTimeoutSeconds * 1000)))),
            configuration: .init(address: .hostname(configuration.server.host, port: configuration.server.port), serverName: "hirebind"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.server.port) },
            logger: logger
        )
        return services + [app] + workers + [drain]
    }

    /// A fixed token when the configuration gives one; otherwise the stored login, refreshed as it ages.
    static func userAccessTokens(
        _ feishu: FeishuSettings, secrets: ServiceSecrets, store: any JobStore, httpClient: HTTPClient, health: FeishuHealth,
        metrics: HireBindMetrics, logger: Logger
    ) -> any UserAccessTokens {
        if let token = secrets.feishuUserAccessToken { return FixedUserAccessToken(token) }
        guard let app = secrets.feishuApp else { return NoUserAccessToken() }
        let oauth = FeishuOAuth(
            httpClient: httpClient, baseURL: feishu.baseURL, accountsURL: feishu.accountsURL, appID: app.appID, appSecret: app.appSecret,
            timeoutSeconds: feishu.timeoutSeconds, logger: logger
        )
        return RefreshingUserAccessToken(store: store, oauth: oauth, refreshMargin: feishu.oauth.refreshMarginSeconds, health: health, metrics: metrics, logger: logger)
    }

    /// Runs the service until SIGTERM or SIGINT: opens the store, serves, drains, closes the HTTP client.
    public static func run(configuration: HireBindConfiguration, environment: [String: String], logger: Logger) async throws {
        let secrets = try ServiceSecrets.resolve(configuration, environment: environment)
        let namer = try configuration.naming.makeNamer()
        let store = try SQLiteJobStore(path: configuration.database.path)
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let services = build(configuration: configuration, secrets: secrets, namer: namer, store: store, httpClient: httpClient, logger: logger) { port in
                logger.info("hirebind listening", metadata: ["host": "\(configuration.server.host)", "port": "\(port)"])
            }
            var groupConfiguration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            groupConfiguration.maximumGracefulShutdownDuration = .milliseconds(Int64(configuration.worker.drainSeconds * 1000))
            try await ServiceGroup(configuration: groupConfiguration).run()
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
        try await httpClient.shutdown()
    }
}
