import AsyncHTTPClient
import DryRun
import FeishuSandbox
import Foundation
import HireBind
import HireBindCore
import JobStore
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import WebhookSignature

/// The whole service on loopback ports: hirebind on SQLite, the Feishu sandbox and an HR callback receiver.
struct Stack {
    /// The service's group: tests of graceful shutdown trigger it.
    let group: ServiceGroup
    static let feishuToken = "u-integration-super-admin"
    static let adminToken = "integration-admin-token"

    let sandbox: FeishuSandbox
    let receiver: CallbackReceiver
    let store: SQLiteJobStore
    let serviceURL: String
    let webhookSecret: SigningSecret
    let callbackSecret: SigningSecret

    struct Answer {
        var status: Int
        var json: [String: Any]
        var headers: HTTPHeaders
        var error: [String: Any]? { json["error"] as? [String: Any] }
        var errorCode: String? { error?["code"] as? String }
        var errorMessage: String? { error?["message"] as? String }
    }

    /// Runs `body` with a fresh stack; everything is shut down afterwards.
    static func with(
        maxAttempts: Int = 3,
        retry: RetryPolicy = RetryPolicy(baseSeconds: 0.05, maxSeconds: 0.2),
        callbackRetry: RetryPolicy = RetryPolicy(baseSeconds: 0.05, maxSeconds: 0.2),
        callbackMaxAgeHours: Double = 72,
        allowPrivateCallbacks: Bool = true,
        callbackHost: String = "127.0.0.1",
        receiverFailFirst: [Int] = [],
        maxBodyBytes: Int = 1_048_576,
        bodyTimeoutSeconds: Double = 10,
        worker: WorkerSettings = WorkerSettings(concurrency: 2, leaseSeconds: 30, pollSeconds: 0.1),
        logger: Logger = Logger(label: "integration"),
        usersNotInTenant: Set<String> = [],
        naming: NamingSettings = NamingSettings(domain: "example.com"),
        _ body: (Stack) async throws -> Void
    ) async throws {
        let webhookSecret = SigningSecret(key: Array("integration webhook secret 32 b!".utf8))
        let callbackSecret = SigningSecret(key: Array("integration callback secret 32b!".utf8))
        let sandbox = FeishuSandbox(configuration: SandboxConfiguration(superAdminTokens: [feishuToken], usersNotInTenant: usersNotInTenant))
        let receiver = CallbackReceiver(secret: callbackSecret, failFirst: receiverFailFirst)
        let sandboxPort = PortAnnouncement(), receiverPort = PortAnnouncement(), servicePort = PortAnnouncement()
        let helpers: [any Service] = [
            sandbox.application(host: "127.0.0.1", port: 0, logger: logger, onServerRunning: sandboxPort.announce),
            receiver.application(logger: logger, onServerRunning: receiverPort.announce),
        ]
        try await withRunningServices(helpers, logger: logger) { _ in
            let feishuPort = await sandboxPort.port()!, callbackPort = await receiverPort.port()!
            let environment = [
                "WEBHOOK_SECRET": webhookSecret.standardWebhooksText,
                "CALLBACK_SECRET": callbackSecret.standardWebhooksText,
                "FEISHU_TOKEN": feishuToken,
                "ADMIN_TOKEN": adminToken,
            ]
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hirebind-it-\(UUID().uuidString)").path
            let configuration = HireBindConfiguration(
                server: .init(host: "127.0.0.1", port: 0, maxBodyBytes: maxBodyBytes, bodyTimeoutSeconds: bodyTimeoutSeconds),
                database: .init(path: folder + "/hirebind.sqlite"),
                sources: ["workday": .init(secrets: [.environment("WEBHOOK_SECRET")])],
                naming: naming,
                feishu: .init(
                    baseURL: "http://127.0.0.1:\(feishuPort)", adminAccount: "exchange-admin@example.com",
                    userAccessToken: .environment("FEISHU_TOKEN"), timeoutSeconds: 2, maxAttempts: maxAttempts, retry: retry
                ),
                worker: worker,
                callbacks: .init(defaultURL: "http://\(callbackHost):\(callbackPort)/hr/callback", secret: .environment("CALLBACK_SECRET"), timeoutSeconds: 2, retry: callbackRetry, maxAgeHours: callbackMaxAgeHours, allowedHosts: ["127.0.0.1"], allowPrivateAddresses: allowPrivateCallbacks),
                admin: .init(token: .environment("ADMIN_TOKEN"))
            )
            let store = try SQLiteJobStore(path: configuration.database.path)
            let services = HireBindApplication.build(
                configuration: configuration,
                secrets: try ServiceSecrets.resolve(configuration, environment: environment),
                namer: try configuration.naming.makeNamer(), store: store, httpClient: .shared, logger: logger, onServerRunning: servicePort.announce
            )
            try await withRunningServices(services, logger: logger) { group in
                let stack = Stack(
                    group: group,
                    sandbox: sandbox, receiver: receiver, store: store, serviceURL: "http://127.0.0.1:\(await servicePort.port()!)",
                    webhookSecret: webhookSecret, callbackSecret: callbackSecret
                )
                try await body(stack)
            }
        }
    }

    /// A new-hire event; `extra` adds or replaces employee fields (location, romanised names, …).
    static func event(
        _ id: String, given: String = "伟", family: String = "张", userID: String = "ou_zhangwei", callbackURL: String? = nil,
        extra: [String: String] = [:]
    ) -> [String: Any] {
        let employee: [String: Any] = ["employee_id": "E-\(id)", "given_name": given, "family_name": family, "feishu_user_id": userID]
        var event: [String: Any] = [
            "event_id": id,
            "event_type": "employee.hired",
            "occurred_at": "2026-11-25T09:00:00Z",
            "employee": employee.merging(extra) { $1 },
        ]
        if let callbackURL { event["callback_url"] = callbackURL }
        return event
    }

    /// Posts `body` signed with the source's secret (or `signedWith`) to `/v1/webhooks/{source}`.
    func postWebhook(
        _ body: [UInt8], source: String = "workday", signedWith secret: SigningSecret? = nil, timestamp: Int64? = nil,
        contentType: String? = "application/json", extraHeaders: [(String, String)] = [], sign: Bool = true
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: serviceURL + "/v1/webhooks/\(source)")
        request.method = .POST
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if sign {
            let headers = StandardWebhooks.sign(
                id: "msg_\(UUID().uuidString)", timestamp: timestamp ?? Int64(Date().timeIntervalSince1970),
                body: body, secret: secret ?? webhookSecret
            )
            for header in headers { request.headers.add(name: header.name, value: header.value) }
        }
        for (name, value) in extraHeaders { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        return try await send(request)
    }

    func postWebhook(_ event: [String: Any]) async throws -> Answer {
        try await postWebhook(Array(try JSONSerialization.data(withJSONObject: event)))
    }

    func admin(_ path: String, token: String? = Stack.adminToken) async throws -> Answer {
        var request = HTTPClientRequest(url: serviceURL + path)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        return try await send(request)
    }

    func send(_ request: HTTPClientRequest) async throws -> Answer {
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
        let bytes = try await response.body.collect(upTo: 1 << 22)
        let json = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
        return Answer(status: Int(response.status.code), json: json, headers: response.headers)
    }

    /// Polls the admin API until the job's callback reaches `status` (or `seconds` pass); returns the last seen.
    func callbackStatus(_ jobID: String, reaching status: String, seconds: Double = 10) async throws -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        var seen: String?
        while Date() < deadline {
            seen = try await admin("/v1/jobs/\(jobID)").json["callback_status"] as? String
            if seen == status { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        return seen
    }

    /// Polls the admin API until the job leaves queued/running.
    func finishedJob(_ id: String, seconds: Double = 15) async throws -> [String: Any] {
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

enum StackError: Error {
    case timeout(String)
}
