// Stack: the whole service on loopback ports for tests: hirebind on SQLite, the Feishu sandbox, an HR callback receiver.

public import AsyncHTTPClient
public import DryRun
import FeishuAPI
public import FeishuSandbox
public import Foundation
import HTTPTypes
public import HireBind
public import HireBindCore
import Hummingbird
import HummingbirdTesting
public import JobStore
public import Logging
import NIOCore
public import NIOHTTP1
public import ServiceLifecycle
public import WebhookSignature

/// The whole service on loopback ports: hirebind on SQLite, the Feishu sandbox and an HR callback receiver.
public struct Stack: Sendable {
    /// The service's group: tests of graceful shutdown trigger it.
    public let group: ServiceGroup
    public static let feishuToken = "u-integration-super-admin"
    public static let adminToken = "integration-admin-token"
    public static let appID = "cli_integration"
    public static let appSecret = "integration-app-secret"
    /// The Feishu app's event subscription: the `feishu` source (encrypted and signed) and `feishu-plain` (token only).
    public static let verificationToken = "integration-verification-token"
    public static let encryptKey = "integration-encrypt-key"
    /// A free port for the login's redirect listener.
    public static var loginPort: Int { Int.random(in: 20_000...29_999) }

    public let sandbox: FeishuSandbox
    public let receiver: CallbackReceiver
    public let store: any HireBindStore
    /// The store as SQLite (every stack but ``replicas(_:_:_:)``'s), for tests of the file itself.
    public var sqlite: SQLiteJobStore { store as! SQLiteJobStore }
    public let serviceURL: String
    /// The admin listener: the admin API, `/metrics`, health.
    public let adminURL: String
    public let sandboxURL: String
    public let webhookSecret: SigningSecret
    public let callbackSecret: SigningSecret
    public let configuration: HireBindConfiguration
    public let secrets: ServiceSecrets
    /// In router mode, the client that calls the router in memory (no socket, no workers).
    let routerClient: (any TestClientProtocol)?
    let adminRouterClient: (any TestClientProtocol)?

    /// How a stack is set up; every option has the default most tests want.
    public struct Options: Sendable {
        public var maxAttempts = 3
        /// `feishu.timeout_seconds`. 10 s: a loaded CI machine once held a loopback call to the sandbox past 2 s, and
        /// the test saw a retry it did not expect. Tests of lost answers set it short themselves.
        public var feishuTimeoutSeconds = 10.0
        public var retry = RetryPolicy(baseSeconds: 0.05, maxSeconds: 0.2)
        public var callbackRetry = RetryPolicy(baseSeconds: 0.05, maxSeconds: 0.2)
        public var callbackMaxAgeHours = 72.0
        public var allowPrivateCallbacks = true
        public var callbackHost = "127.0.0.1"
        /// HTTP statuses the receiver answers before it accepts, one per request.
        public var receiverFailFirst: [Int] = []
        public var maxBodyBytes = 1_048_576
        public var bodyTimeoutSeconds = 10.0
        public var headerTimeoutSeconds = 10.0
        public var maxConnections = 1000
        public var worker = WorkerSettings(concurrency: 2, leaseSeconds: 30, pollSeconds: 0.1)
        public var logger = Logger(label: "integration")
        public var usersNotInTenant: Set<String> = []
        public var naming = NamingSettings(domain: "example.com")
        public var sync = SyncSettings(follow: false)
        /// Log in through the sandbox's OAuth flow before the service starts.
        public var login = false
        /// Configure the fixed `feishu.user_access_token` (unless `login`).
        public var useFixedToken = true
        public var refreshMarginSeconds = 300.0
        public var sandboxSettings: @Sendable (inout SandboxConfiguration) -> Void = { _ in }
        /// Only the routes, called in memory through Hummingbird's router test mode: no port is opened and no
        /// worker runs, so nothing queued is carried out. For intake, admin and hostile-input tests.
        public var routerOnly = false
        /// How often the `feishu` source's directory is reconciled; 0 (the default here) runs no reconciliation.
        public var reconcileMinutes = 0.0
        /// Failed authentications a client may have per minute before it is answered 429.
        public var authFailureLimit = 20
        /// The `mailbox_directory:` section, given the sandbox's URL (where its Graph simulator listens).
        /// More webhook sources (an HR connector under test) and the environment their secrets are read from.
        public var extraSources: [String: SourceSettings] = [:]
        public var extraEnvironment: [String: String] = [:]
        public var mailboxDirectory: @Sendable (_ sandboxURL: String) -> MailboxDirectorySettings = { _ in MailboxDirectorySettings() }

        /// The defaults, changed by `change`: `.init { $0.maxAttempts = 1 }`.
        public init(_ change: (inout Options) -> Void = { _ in }) {
            change(&self)
        }
    }

    public struct Answer {
        public var status: Int
        public var json: [String: Any]
        public var headers: HTTPHeaders
        /// The body as text (the console's pages).
        public var text: String = ""
        public var error: [String: Any]? { json["error"] as? [String: Any] }
        public var errorCode: String? { error?["code"] as? String }
        public var errorMessage: String? { error?["message"] as? String }
    }

    static let webhookSecret = SigningSecret(key: Array("integration webhook secret 32 b!".utf8))
    static let callbackSecret = SigningSecret(key: Array("integration callback secret 32b!".utf8))
    static let environment = [
        "WEBHOOK_SECRET": webhookSecret.standardWebhooksText,
        "CALLBACK_SECRET": callbackSecret.standardWebhooksText,
        "FEISHU_TOKEN": feishuToken,
        "ADMIN_TOKEN": adminToken,
        "FEISHU_APP_ID": appID,
        "FEISHU_APP_SECRET": appSecret,
        "FEISHU_VERIFICATION_TOKEN": verificationToken,
        "FEISHU_ENCRYPT_KEY": encryptKey,
        "GRAPH_CLIENT_SECRET": GraphSandboxConfiguration().clientSecret,
    ]

    /// A `mailbox_directory:` on the sandbox's Graph simulator, rechecking fast.
    public static func graphDirectory(
        _ sandboxURL: String, mode: MailboxDirectorySettings.Mode, waitHours: Double = 1, change: (inout MailboxDirectorySettings) -> Void = { _ in }
    ) -> MailboxDirectorySettings {
        let sandbox = GraphSandboxConfiguration()
        var settings = MailboxDirectorySettings(
            backend: .graph, mode: mode, waitForMailboxHours: waitHours, recheckMinSeconds: 0.2, recheckMaxSeconds: 0.5,
            unavailableRetrySeconds: 0.2,
            graph: GraphSettings(
                tenantID: sandbox.tenantID, clientID: sandbox.clientID, clientSecret: .environment("GRAPH_CLIENT_SECRET"),
                authorityURL: sandboxURL, graphURL: sandboxURL, timeoutSeconds: 2)
        )
        change(&settings)
        return settings
    }

    /// The Feishu sandbox and the HR callback receiver `options` describe (not yet listening).
    static func peers(_ options: Options) -> (FeishuSandbox, CallbackReceiver) {
        var sandboxConfiguration = SandboxConfiguration(superAdminTokens: [feishuToken], usersNotInTenant: options.usersNotInTenant)
        sandboxConfiguration.appID = appID
        sandboxConfiguration.appSecret = appSecret
        options.sandboxSettings(&sandboxConfiguration)
        return (FeishuSandbox(configuration: sandboxConfiguration), CallbackReceiver(secret: callbackSecret, failFirst: options.receiverFailFirst))
    }

    /// Runs `body` with a fresh stack; everything is shut down afterwards.
    public static func with(_ options: Options = Options(), _ body: @Sendable (Stack) async throws -> Void) async throws {
        let logger = options.logger
        let (sandbox, receiver) = peers(options)
        if options.routerOnly {
            // Nothing listens: the configuration's Feishu and callback URLs are never called.
            let configuration = configuration(options, feishuPort: 9, callbackPort: 9)
            let store = try SQLiteJobStore(path: configuration.database.path)
            let secrets = try ServiceSecrets.resolve(configuration, environment: environment.merging(options.extraEnvironment) { $1 })
            let routers = HireBindApplication.routers(
                configuration: configuration, secrets: secrets, namer: try NamingRules.namer(configuration.naming), store: store
            )
            let admin = Application(router: routers.admin, logger: logger)
            try await Application(router: routers.intake, logger: logger).test(.router) { client in
                try await admin.test(.router) { adminClient in
                    try await body(
                        Stack(
                            group: ServiceGroup(configuration: ServiceGroupConfiguration(services: [any Service](), logger: logger)),
                            sandbox: sandbox, receiver: receiver, store: store, serviceURL: "", adminURL: "", sandboxURL: "",
                            webhookSecret: webhookSecret, callbackSecret: callbackSecret, configuration: configuration, secrets: secrets,
                            routerClient: client, adminRouterClient: adminClient
                        ))
                }
            }
            return
        }
        let sandboxPort = PortAnnouncement(), receiverPort = PortAnnouncement(), servicePort = PortAnnouncement()
        let adminPort = PortAnnouncement()
        let helpers: [any Service] = [
            sandbox.application(host: "127.0.0.1", port: 0, logger: logger, onServerRunning: sandboxPort.announce),
            receiver.application(logger: logger, onServerRunning: receiverPort.announce),
        ]
        try await withRunningServices(helpers, logger: logger) { _ in
            let feishuPort = await sandboxPort.port()!, callbackPort = await receiverPort.port()!
            let configuration = configuration(options, feishuPort: feishuPort, callbackPort: callbackPort)
            let store = try SQLiteJobStore(path: configuration.database.path)
            let secrets = try ServiceSecrets.resolve(configuration, environment: environment.merging(options.extraEnvironment) { $1 })
            if options.login {
                // What `hirebind feishu login` does: the authorize page redirects to the listener with a code.
                let flow = FeishuLogin(settings: configuration.feishu, app: secrets.feishuApp!, store: store, httpClient: .shared, logger: logger)
                _ = try await flow.completeAgainstSandbox(httpClient: .shared)
            }
            let services = HireBindApplication.build(
                configuration: configuration, secrets: secrets, namer: try NamingRules.namer(configuration.naming), store: store,
                httpClient: .shared, logger: logger, onServerRunning: servicePort.announce, onAdminRunning: adminPort.announce
            )
            try await withRunningServices(services, logger: logger) { group in
                let stack = Stack(
                    group: group,
                    sandbox: sandbox, receiver: receiver, store: store, serviceURL: "http://127.0.0.1:\(await servicePort.port()!)",
                    adminURL: "http://127.0.0.1:\(await adminPort.port()!)",
                    sandboxURL: "http://127.0.0.1:\(feishuPort)", webhookSecret: webhookSecret, callbackSecret: callbackSecret,
                    configuration: configuration, secrets: secrets, routerClient: nil, adminRouterClient: nil
                )
                try await body(stack)
            }
        }
    }

    /// The service's configuration for `options`, with the sandbox and the receiver on the given ports.
    static func configuration(_ options: Options, feishuPort: Int, callbackPort: Int) -> HireBindConfiguration {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hirebind-it-\(UUID().uuidString)").path
        return HireBindConfiguration(
            server: .init(
                host: "127.0.0.1", port: 0, maxBodyBytes: options.maxBodyBytes, bodyTimeoutSeconds: options.bodyTimeoutSeconds,
                headerTimeoutSeconds: options.headerTimeoutSeconds, maxConnections: options.maxConnections,
                authFailureLimit: options.authFailureLimit),
            database: .init(path: folder + "/hirebind.sqlite"),
            sources: [
                "workday": .init(secrets: [.environment("WEBHOOK_SECRET")]),
                "feishu": .init(
                    scheme: .feishuEvents, verificationToken: .environment("FEISHU_VERIFICATION_TOKEN"),
                    encryptKeys: [.environment("FEISHU_ENCRYPT_KEY")], reconcileMinutes: options.reconcileMinutes, coreHRReadDelaySeconds: 0.2
                ),
                "feishu-plain": .init(scheme: .feishuEvents, verificationToken: .environment("FEISHU_VERIFICATION_TOKEN"), reconcileMinutes: 0),
            ].merging(options.extraSources) { $1 },
            naming: options.naming,
            feishu: .init(
                baseURL: "http://127.0.0.1:\(feishuPort)", accountsURL: "http://127.0.0.1:\(feishuPort)", adminAccount: "exchange-admin@example.com",
                appID: .environment("FEISHU_APP_ID"), appSecret: .environment("FEISHU_APP_SECRET"),
                userAccessToken: options.login || !options.useFixedToken ? nil : .environment("FEISHU_TOKEN"),
                oauth: OAuthSettings(redirectURI: "http://127.0.0.1:\(loginPort)/callback", refreshMarginSeconds: options.refreshMarginSeconds),
                sync: options.sync, timeoutSeconds: options.feishuTimeoutSeconds, maxAttempts: options.maxAttempts, retry: options.retry
            ),
            worker: options.worker,
            callbacks: .init(
                defaultURL: "http://\(options.callbackHost):\(callbackPort)/hr/callback", secret: .environment("CALLBACK_SECRET"), timeoutSeconds: 10,
                retry: options.callbackRetry, maxAgeHours: options.callbackMaxAgeHours, allowedHosts: ["127.0.0.1"],
                allowPrivateAddresses: options.allowPrivateCallbacks
            ),
            admin: .init(host: "127.0.0.1", port: 0, token: .environment("ADMIN_TOKEN")),
            mailboxDirectory: options.mailboxDirectory("http://127.0.0.1:\(feishuPort)")
        )
    }

    /// A new-hire event; `extra` adds or replaces employee fields (location, romanised names, …); a nil `userID`
    /// leaves the Feishu user id out, for the lookup by email or mobile.
    public static func event(
        _ id: String, given: String = "伟", family: String = "张", userID: String? = "ou_zhangwei", callbackURL: String? = nil,
        extra: [String: String] = [:]
    ) -> [String: Any] {
        var employee: [String: Any] = ["employee_id": "E-\(id)", "given_name": given, "family_name": family]
        if let userID { employee["feishu_user_id"] = userID }
        var event: [String: Any] = [
            "event_id": id,
            "event_type": "employee.hired",
            "occurred_at": "2026-11-25T09:00:00Z",
            "employee": employee.merging(extra) { $1 },
        ]
        if let callbackURL { event["callback_url"] = callbackURL }
        return event
    }

    /// An offboarding event for an employee.
    public static func termination(_ eventID: String, employeeID: String) -> [String: Any] {
        [
            "event_id": eventID, "event_type": "employee.terminated", "occurred_at": "2026-11-25T18:00:00Z",
            "employee": ["employee_id": employeeID],
        ]
    }

    /// Polls `/readyz` until its status is (or, with `not`, stops being) `status`, for at most 5 s; returns the last answer.
    public func readiness(_ status: Int, not: Bool = false) async throws -> Answer {
        var ready = try await admin("/readyz", token: nil)
        for _ in 0..<100 where (ready.status == status) == not {
            try await Task.sleep(for: .milliseconds(50))
            ready = try await admin("/readyz", token: nil)
        }
        return ready
    }

    /// Posts `body` signed with the source's secret (or `signedWith`) to `/v1/webhooks/{source}`.
    public func postWebhook(
        _ body: [UInt8], source: String = "workday", signedWith secret: SigningSecret? = nil, timestamp: Int64? = nil,
        contentType: String? = "application/json", extraHeaders: [(String, String)] = [], sign: Bool = true
    ) async throws -> Answer {
        var headers = HTTPHeaders()
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        if sign {
            let signature = StandardWebhooks.sign(
                id: "msg_\(UUID().uuidString)", timestamp: timestamp ?? Int64(Date().timeIntervalSince1970),
                body: body, secret: secret ?? webhookSecret
            )
            for header in signature { headers.add(name: header.name, value: header.value) }
        }
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        return try await service(.POST, "/v1/webhooks/\(source)", headers: headers, body: body)
    }

    /// Posts a Feishu event subscription request to `source`: `plain` encrypted under `encryptKey` (unless nil) and
    /// signed with `signingKey` (unless nil) at `timestamp`.
    public func postFeishuEvent(
        _ plain: [String: Any], source: String = "feishu", encryptKey: String? = Stack.encryptKey, signingKey: String? = Stack.encryptKey,
        timestamp: Int64? = nil
    ) async throws -> Answer {
        var body = Array(try JSONSerialization.data(withJSONObject: plain))
        if let encryptKey {
            body = Array(try JSONSerialization.data(withJSONObject: ["encrypt": FeishuEventCipher(encryptKey: encryptKey).encrypt(body)]))
        }
        return try await postFeishuBody(body, source: source, signingKey: signingKey, timestamp: timestamp)
    }

    /// Posts raw bytes as Feishu's event subscription would, signed with `signingKey` unless nil.
    public func postFeishuBody(
        _ body: [UInt8], source: String = "feishu", signingKey: String? = Stack.encryptKey, timestamp: Int64? = nil
    ) async throws -> Answer {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        if let signingKey {
            let time = String(timestamp ?? Int64(Date().timeIntervalSince1970))
            let nonce = UUID().uuidString
            headers.add(name: "X-Lark-Request-Timestamp", value: time)
            headers.add(name: "X-Lark-Request-Nonce", value: nonce)
            headers.add(
                name: "X-Lark-Signature", value: FeishuEventSignature.signature(timestamp: time, nonce: nonce, encryptKey: signingKey, body: body))
        }
        return try await service(.POST, "/v1/webhooks/\(source)", headers: headers, body: body)
    }

    /// A schema 2.0 event envelope as Feishu sends it.
    public static func feishuEvent(
        _ eventType: String, eventID: String = UUID().uuidString, token: String = Stack.verificationToken, event: [String: Any]
    ) -> [String: Any] {
        [
            "schema": "2.0",
            "header": [
                "event_id": eventID, "event_type": eventType, "create_time": "1764662400000", "token": token, "app_id": appID, "tenant_key": "t",
            ],
            "event": event,
        ]
    }

    /// A reconciler of the `feishu` source against the sandbox directory, as `hirebind backfill` builds it.
    public func reconciler() throws -> DirectoryReconciler {
        try DirectoryReconciler.standalone(
            source: "feishu", configuration: configuration, secrets: secrets, store: store, httpClient: .shared, logger: Logger(label: "reconciler"))
    }

    /// Points the sandbox's event subscription at the `feishu` source, as saving the request URL in the console does
    /// (the challenge included); returns the sandbox's answer. The sandbox, as Feishu, gives the challenge 3 s; a loaded
    /// machine sometimes misses it, so, as an administrator clicks "verify" again, it is tried up to three times.
    public func subscribeDirectoryEvents(retryDelays: [Double] = [0.2, 0.4, 0.8]) async throws -> Answer {
        var answer: Answer
        var attempt = 0
        repeat {
            attempt += 1
            answer = try await sandboxCall(
                "/sandbox/events/subscription",
                json: [
                    "request_url": serviceURL + "/v1/webhooks/feishu", "verification_token": Stack.verificationToken, "encrypt_key": Stack.encryptKey,
                    "retry_delays": retryDelays,
                ])
        } while answer.json["verification_status"] as? Int != 200 && attempt < 3
        return answer
    }

    public func postWebhook(_ event: [String: Any]) async throws -> Answer {
        try await postWebhook(Array(try JSONSerialization.data(withJSONObject: event)))
    }

    /// Calls one of the sandbox's own control endpoints (`/sandbox/…`) or a Feishu endpoint on it.
    public func sandboxCall(_ path: String, method: HTTPMethod = .POST, json: Any? = nil) async throws -> Answer {
        var request = HTTPClientRequest(url: sandboxURL + path)
        request.method = method
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
        }
        return try await send(request)
    }

    /// A GET on the admin listener, with the admin token unless `token` is nil.
    public func admin(_ path: String, token: String? = Stack.adminToken) async throws -> Answer {
        try await admin(.GET, path, token: token)
    }

    public func admin(_ method: HTTPMethod, _ path: String, token: String? = Stack.adminToken) async throws -> Answer {
        var headers = HTTPHeaders()
        if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
        return try await call(method, path, headers: headers, body: nil, baseURL: adminURL, routerClient: adminRouterClient)
    }

    /// A request to the service's public port: over loopback HTTP, or through the router in memory in router mode.
    public func service(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders = [:], body: [UInt8]? = nil) async throws -> Answer {
        try await call(method, path, headers: headers, body: body, baseURL: serviceURL, routerClient: routerClient)
    }

    func call(
        _ method: HTTPMethod, _ path: String, headers: HTTPHeaders, body: [UInt8]?, baseURL: String, routerClient: (any TestClientProtocol)?
    ) async throws -> Answer {
        guard let routerClient else {
            var request = HTTPClientRequest(url: baseURL + path)
            request.method = method
            request.headers = headers
            if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
            return try await send(request)
        }
        var fields = HTTPFields()
        for header in headers {
            if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) }
        }
        let response = try await routerClient.executeRequest(
            uri: path, method: HTTPRequest.Method(rawValue: method.rawValue) ?? .get, headers: fields, body: body.map { ByteBuffer(bytes: $0) }
        )
        var answerHeaders = HTTPHeaders()
        for field in response.headers { answerHeaders.add(name: field.name.rawName, value: field.value) }
        return Answer(
            status: Int(response.status.code), json: Self.json(response.body), headers: answerHeaders, text: String(buffer: response.body))
    }

    static func json(_ bytes: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
    }

    /// The deadline counts the wait for one of the shared client's 8 connections to the host too: a test that sends
    /// 200 requests at once on a loaded machine queues most of them.
    public func send(_ request: HTTPClientRequest) async throws -> Answer {
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 1 << 22)
        return Answer(status: Int(response.status.code), json: Self.json(bytes), headers: response.headers, text: String(buffer: bytes))
    }

    /// Polls the admin API until the job's callback reaches `status` (or `seconds` pass); returns the last seen.
    public func callbackStatus(_ jobID: String, reaching status: String, seconds: Double = 10) async throws -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        var seen: String?
        while Date() < deadline {
            seen = try await admin("/v1/jobs/\(jobID)").json["callback_status"] as? String
            if seen == status { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        return seen
    }

    /// Polls the admin API until `condition` holds for the job's record (or `seconds` pass); returns the last seen.
    public func job(_ id: String, until condition: ([String: Any]) -> Bool, seconds: Double = 15) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let job = try await admin("/v1/jobs/\(id)").json["job"] as? [String: Any], condition(job) { return job }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw StackError.timeout("job \(id) did not reach the condition within \(seconds) s")
    }

    /// Polls the admin API until the job leaves queued/running.
    public func finishedJob(_ id: String, seconds: Double = 15) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let answer = try await admin("/v1/jobs/\(id)")
            if let job = answer.json["job"] as? [String: Any], let status = job["status"] as? String, status != "queued", status != "running" {
                return answer.json
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw StackError.timeout("job \(id) did not finish within \(seconds) s")
    }
}

public enum StackError: Error {
    case timeout(String)
    /// The service answered something a helper cannot go on from.
    case unexpected(String)
}
