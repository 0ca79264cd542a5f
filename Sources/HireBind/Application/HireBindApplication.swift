// HireBindApplication: assembles the service: the HTTP routes, the workers and deliverers, in one service group.

public import AsyncHTTPClient
import FeishuAPI
import Foundation
import HTTPTypes
public import Hummingbird
import HummingbirdCore
public import JobStore
public import Logging
public import MailboxNaming
import NIOCore
public import ServiceLifecycle
import UnixSignals

/// Assembles the service from its configuration, its secrets and a store engine.
public enum HireBindApplication {
    /// The parts the routes and the workers share.
    struct Shared {
        let jobBell = Doorbell()
        let callbackBell = Doorbell()
        let drain = DrainSignal()
        let health: FeishuHealth
    }

    /// Builds the services in the order a service group must run them: the HTTP server, the bind workers, the
    /// callback deliverer and the drain signal. Shutdown runs in reverse: the drain signal turns webhooks away with
    /// 503, the deliverer and the workers finish what they hold, then the server stops. `httpClient` is owned by
    /// the caller, who shuts it down after the services stop.
    public static func build(
        configuration: HireBindConfiguration,
        secrets: ServiceSecrets,
        namer: MailboxNamer,
        store: any HireBindStore,
        httpClient: HTTPClient,
        metrics: HireBindMetrics = HireBindMetrics(),
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in },
        onAdminRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> [any Service] {
        let shared = Shared(health: FeishuHealth(metrics: metrics))
        store.observeCommits { metrics.storeCommit($0) }
        // One intake for the routes, the bind worker's id-only stage and the reconciliation.
        let intake = jobIntake(configuration: configuration, namer: namer, store: store, shared: shared)
        let feishuSettings = configuration.feishu
        // Several replicas on one store share one Feishu budget; one process keeps its own.
        let rateLimiters = SharedRateLimiter.rateLimiters(for: store, logger: logger)
        let feishu = FeishuClient(
            httpClient: httpClient, hosts: feishuSettings.hosts, timeoutSeconds: feishuSettings.timeoutSeconds, rateLimiters: rateLimiters,
            logger: logger)
        let tokens = userAccessTokens(
            feishuSettings, secrets: secrets, store: store, httpClient: httpClient, health: shared.health, metrics: metrics, logger: logger)
        let tenantTokens = secrets.feishuApp.map { app in
            TenantAccessTokens(
                httpClient: httpClient, hosts: feishuSettings.hosts, appID: app.appID, appSecret: app.appSecret,
                timeoutSeconds: feishuSettings.timeoutSeconds, logger: logger
            )
        }
        var workers: [any Service] = []
        // Of several replicas, one runs maintenance (purges, reconciliations); new work wakes them all.
        let leadership = Leadership(store: store, logger: logger)
        workers.append(leadership)
        if let announcements = store as? any WorkAnnouncements {
            workers.append(WorkListener(announcements: announcements, jobs: shared.jobBell, callbacks: shared.callbackBell, logger: logger))
        }
        var bindWorker = BindWorker(
            store: store, feishu: feishu, tokens: tokens, resolver: UserIDResolver(feishu: feishu, tenantTokens: tenantTokens),
            settings: configuration.worker, feishuSettings: feishuSettings, jobs: shared.jobBell, callbacks: shared.callbackBell,
            health: shared.health, metrics: metrics, logger: logger
        )
        // Jobs of id-only events read the person first, with the app's tenant token, then queue the bind.
        bindWorker.intake = intake
        for (name, source) in configuration.sources {
            if source.scheme == .feishuEvents, let tenantTokens {
                bindWorker.personReaders[name] = PersonReader(feishu: feishu, tenantTokens: tenantTokens, userIDType: feishuSettings.userIDType)
            } else if let fetch = source.fetch, let credentials = secrets.fetchCredentials[name],
                // Compiled when the configuration was validated: a map that does not compile cannot get here.
                let mapping = try? EmployeeMapping(fetch.map, key: "sources.\(name).fetch.map", requiresID: false)
            {
                // An HR source's id-only events: the person is read from its API.
                bindWorker.personReaders[name] = HRPersonReader(
                    source: name, settings: fetch, mapping: mapping,
                    credentials: credentials.requestCredentials(httpClient: httpClient, logger: logger), httpClient: httpClient, logger: logger)
            }
        }
        // Before each bind, Exchange's directory is asked whose mailbox the address is (mailbox_directory:).
        bindWorker.mailboxGate = MailboxDirectories.gate(
            configuration.mailboxDirectory, secret: secrets.mailboxDirectorySecret, httpClient: httpClient, logger: logger)
        workers.append(bindWorker)
        if let refreshing = tokens as? RefreshingUserAccessToken {
            let margin = feishuSettings.oauth.refreshMarginSeconds
            workers.append(
                UserTokenKeeper(
                    tokens: refreshing, health: shared.health, interval: .milliseconds(Int64(min(60, max(0.2, margin / 2)) * 1000)), logger: logger
                ))
        }
        if feishuSettings.sync.follow {
            workers.append(
                SyncWatcher(
                    store: store, feishu: feishu, tokens: tokens, settings: feishuSettings.sync, pollSeconds: configuration.worker.pollSeconds,
                    callbacks: shared.callbackBell, logger: logger
                ))
        }
        // Each Feishu event source's directory is reconciled on its own schedule (the app's tenant token reads it).
        if let tenantTokens {
            for (name, source) in configuration.sources.sorted(by: { $0.key < $1.key })
            where source.scheme == .feishuEvents && source.reconcileMinutes > 0 {
                let reconciler = DirectoryReconciler(
                    source: name, settings: source, feishu: feishu, tenantTokens: tenantTokens, intake: intake, ledger: store,
                    assigner: intake.assigner, userIDType: feishuSettings.userIDType, logger: logger
                )
                let interval = Duration.milliseconds(Int64(source.reconcileMinutes * 60_000))
                workers.append(
                    DirectoryReconciliation(
                        reconciler: reconciler, interval: interval, firstDelay: min(interval, .seconds(30)), leadership: leadership,
                        metrics: metrics, logger: logger))
            }
        }
        workers.append(
            Housekeeper(
                store: store, dedupeDays: configuration.database.dedupeDays, historyDays: configuration.database.historyDays,
                interval: .seconds(configuration.database.housekeepingMinutes * 60), leadership: leadership, logger: logger))
        workers.append(
            CallbackDeliverer(
                store: store, secret: secrets.callbackSecret, settings: configuration.callbacks,
                pollSeconds: configuration.worker.pollSeconds, doorbell: shared.callbackBell, logger: logger
            ))

        // The console's "log in to Feishu" runs the same login as `hirebind feishu login`, with its own redirect.
        let login = secrets.feishuApp.map { app in
            FeishuLogin(settings: feishuSettings, app: app, store: store, httpClient: httpClient, logger: logger)
        }
        let routers = buildRouters(
            configuration: configuration, secrets: secrets, namer: namer, intake: intake, store: store, shared: shared, login: login,
            metrics: metrics)
        let server = configuration.server
        let headerTimeout = TimeAmount.milliseconds(Int64(server.headerTimeoutSeconds * 1000))
        let keepAliveTimeout = TimeAmount.milliseconds(Int64((server.idleTimeoutSeconds + server.headerTimeoutSeconds) * 1000))
        func listener(
            _ router: Router<HireBindRequestContext>, host: String, port: Int, name: String, onRunning: @escaping @Sendable (Int) async -> Void
        ) -> some Service {
            Application(
                router: router,
                server: .http1(
                    configuration: .init(
                        additionalChannelHandlers: [HeaderDeadlineHandler(timeout: headerTimeout, keepAliveTimeout: keepAliveTimeout)],
                        idleTimeout: .milliseconds(Int64(server.idleTimeoutSeconds * 1000))
                    )),
                configuration: .init(
                    address: .hostname(host, port: port), serverName: name,
                    availableConnectionsDelegate: MaximumAvailableConnections(server.maxConnections)
                ),
                onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
                logger: logger
            )
        }
        // The public port serves webhooks and health only; the admin API and the metrics have a listener of their own.
        let app = listener(routers.intake, host: server.host, port: server.port, name: "hirebind", onRunning: onServerRunning)
        let admin = listener(
            routers.admin, host: configuration.admin.host, port: configuration.admin.port, name: "hirebind-admin", onRunning: onAdminRunning)
        return [app, admin] + workers + [shared.drain]
    }

    /// The two listeners' routes.
    public struct Routers {
        /// The public port: webhooks and health.
        public var intake: Router<HireBindRequestContext>
        /// The admin listener: the admin API, metrics and health.
        public var admin: Router<HireBindRequestContext>
    }

    /// The routes alone, with no worker behind them: intake enqueues, the admin API reads. For tests in
    /// Hummingbird's router mode; ``build(configuration:secrets:namer:store:httpClient:metrics:logger:onServerRunning:onAdminRunning:)``
    /// serves the same routers.
    public static func routers(
        configuration: HireBindConfiguration, secrets: ServiceSecrets, namer: MailboxNamer, store: any HireBindStore,
        metrics: HireBindMetrics = HireBindMetrics()
    ) -> Routers {
        let shared = Shared(health: FeishuHealth(metrics: metrics))
        let intake = jobIntake(configuration: configuration, namer: namer, store: store, shared: shared)
        return buildRouters(
            configuration: configuration, secrets: secrets, namer: namer, intake: intake, store: store, shared: shared, login: nil, metrics: metrics)
    }

    static func buildRouters(
        configuration: HireBindConfiguration, secrets: ServiceSecrets, namer: MailboxNamer, intake: JobIntake, store: any HireBindStore,
        shared: Shared, login: FeishuLogin?, metrics: HireBindMetrics
    ) -> Routers {
        let server = configuration.server
        let readiness = Readiness(drain: shared.drain, health: shared.health, store: store)
        func router() -> Router<HireBindRequestContext> {
            let router = Router(context: HireBindRequestContext.self)
            router.add(middleware: RequestIDMiddleware())
            router.add(middleware: JSONErrorMiddleware())
            HealthRoutes(readiness: readiness).addRoutes(to: router)
            return router
        }
        let intakeRouter = router()
        WebhookRoutes(
            configuration: configuration, secrets: secrets, intake: intake, drain: shared.drain,
            failures: ClientFailureLimiter(limit: server.authFailureLimit, windowSeconds: server.authFailureWindowSeconds), metrics: metrics
        ).addRoutes(to: intakeRouter)
        let adminRouter = router()
        // The admin API's bearer token and the console's sign-in share one limit on failures per client.
        let adminFailures = ClientFailureLimiter(limit: server.authFailureLimit, windowSeconds: server.authFailureWindowSeconds)
        AdminRoutes(store: store, token: secrets.adminToken, failures: adminFailures, metrics: metrics).addRoutes(to: adminRouter)
        ConsoleRoutes(
            configuration: configuration, secrets: secrets, store: store, namer: namer, readiness: readiness, jobBell: shared.jobBell,
            callbackBell: shared.callbackBell, login: login, failures: adminFailures, metrics: metrics
        ).addRoutes(to: adminRouter)
        MetricsRoute(metrics: metrics).addRoutes(to: adminRouter)
        OpenAPIRoute().addRoutes(to: adminRouter)
        return Routers(intake: intakeRouter, admin: adminRouter)
    }

    /// The intake the routes, the reconciliation and the backfill share.
    static func jobIntake(configuration: HireBindConfiguration, namer: MailboxNamer, store: any HireBindStore, shared: Shared) -> JobIntake {
        JobIntake(
            store: store, assigner: MailboxAssigner(namer: namer, defaultAdminAccount: configuration.feishu.adminAccount),
            userIDType: configuration.feishu.userIDType, defaultCallbackURL: configuration.callbacks.defaultURL, doorbell: shared.jobBell,
            rehirePolicies: configuration.sources.mapValues(\.rehire)
        )
    }

    /// A fixed token when the configuration gives one; otherwise the stored login, refreshed as it ages.
    static func userAccessTokens(
        _ feishu: FeishuSettings, secrets: ServiceSecrets, store: any UserTokenStore, httpClient: HTTPClient, health: FeishuHealth,
        metrics: HireBindMetrics, logger: Logger
    ) -> any UserAccessTokens {
        if let token = secrets.feishuUserAccessToken { return FixedUserAccessToken(token) }
        guard let app = secrets.feishuApp else { return NoUserAccessToken() }
        let oauth = FeishuOAuth(
            httpClient: httpClient, hosts: feishu.hosts, appID: app.appID, appSecret: app.appSecret, timeoutSeconds: feishu.timeoutSeconds,
            logger: logger
        )
        return RefreshingUserAccessToken(
            store: store, oauth: oauth, refreshMargin: feishu.oauth.refreshMarginSeconds, health: health, metrics: metrics, logger: logger)
    }

    /// Runs the service until SIGTERM or SIGINT: opens the store, serves, drains, closes the HTTP client.
    /// The store's own services (PostgreSQL's connection pool) run beside the group and are left to end with the
    /// process; `alongside` runs first in the group (the dry run's in-process Feishu sandbox).
    public static func run(
        configuration: HireBindConfiguration, environment: [String: String], alongside: [any Service] = [], logger: Logger
    ) async throws {
        let secrets = try ServiceSecrets.resolve(configuration, environment: environment)
        let namer = try NamingRules.namer(configuration.naming)
        let location = try StoreLocation.of(configuration.database, environment: environment)
        let (store, storeServices) = try await location.openForService(maxConnections: configuration.database.maxConnections, logger: logger)
        try await withHTTPClient { httpClient in
            let services = build(
                configuration: configuration, secrets: secrets, namer: namer, store: store, httpClient: httpClient, logger: logger,
                onServerRunning: { port in
                    logger.info("hirebind listening", metadata: ["host": "\(configuration.server.host)", "port": "\(port)"])
                },
                onAdminRunning: { port in
                    logger.info("hirebind admin listening", metadata: ["host": "\(configuration.admin.host)", "port": "\(port)"])
                })
            var groupConfiguration = ServiceGroupConfiguration(
                services: alongside + services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            groupConfiguration.maximumGracefulShutdownDuration = .milliseconds(Int64(configuration.worker.drainSeconds * 1000))
            // The store's connection pool runs beside the group, not in it, and outlives it: every service that
            // writes has finished when the group returns. postgres-nio's pool can take minutes to wind down after
            // the server went away and came back (the replica crash test saw a SIGTERM not end within 60 s), and a
            // drained replica must exit; the pool's connections close with the process.
            let pool = Task {
                await withDiscardingTaskGroup { group in
                    for service in storeServices { group.addTask { try? await service.run() } }
                }
            }
            defer { pool.cancel() }
            try await ServiceGroup(configuration: groupConfiguration).run()
        }
    }
}
