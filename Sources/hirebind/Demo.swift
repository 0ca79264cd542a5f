// Demo: `hirebind demo`: the quick start's dry run of the whole pipeline, told in plain words.

import ArgumentParser
import AsyncHTTPClient
import DryRun
import FeishuAPI
import FeishuSandbox
import Foundation
import HireBind
import HireBindCore
import JobStore
import Logging
import MailboxNaming
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import WebhookSignature

/// The quick start's main job: the whole pipeline on embedded defaults, told in plain words.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Dry run on 127.0.0.1: the service on SQLite, the Feishu sandbox and an HR callback receiver in one process, fed signed new-hire webhooks."
    )

    @Option(name: .long, help: "Folder for the SQLite store (default: a new temporary folder).")
    var dataDirectory: String?

    func run() async throws {
        // The steps tell what happens; the log shows only what goes wrong (the refusal of step 11 is told, not logged).
        LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: .error) }
        let logger = Logger(label: "hirebind")
        let folder =
            dataDirectory ?? FileManager.default.temporaryDirectory.appendingPathComponent("hirebind-demo-\(UUID().uuidString.prefix(8))").path
        let webhookSecret = SigningSecret(key: Self.randomBytes(32))
        let callbackSecret = SigningSecret(key: Self.randomBytes(32))
        let environment = [
            "HIREBIND_WEBHOOK_SECRET": webhookSecret.standardWebhooksText,
            "HIREBIND_CALLBACK_SECRET": callbackSecret.standardWebhooksText,
            "HIREBIND_FEISHU_APP_ID": "cli_demo_" + Hex.encode(Self.randomBytes(4)),
            "HIREBIND_FEISHU_APP_SECRET": Hex.encode(Self.randomBytes(16)),
            "HIREBIND_ADMIN_TOKEN": Hex.encode(Self.randomBytes(24)),
            "HIREBIND_FEISHU_VERIFICATION_TOKEN": Hex.encode(Self.randomBytes(16)),
            "HIREBIND_FEISHU_ENCRYPT_KEY": Hex.encode(Self.randomBytes(16)),
            "HIREBIND_GRAPH_CLIENT_SECRET": Hex.encode(Self.randomBytes(16)),
        ]

        let receiver = CallbackReceiver(secret: callbackSecret)
        var sandboxConfiguration = SandboxConfiguration(superAdminTokens: [], syncSeconds: 1)
        sandboxConfiguration.appID = environment["HIREBIND_FEISHU_APP_ID"]!
        sandboxConfiguration.appSecret = environment["HIREBIND_FEISHU_APP_SECRET"]!
        sandboxConfiguration.directory.append(
            SandboxUser(
                openID: "ou_demo_zhangwei_2", userID: "zhang.wei.2", unionID: "on_demo_zhangwei_2", email: nil, mobile: "+8613800001002"
            ))
        // The Entra ID tenant of the Exchange Online company: its fixtures, and 孙丽's namesake hired years ago.
        sandboxConfiguration.graph.clientSecret = environment["HIREBIND_GRAPH_CLIENT_SECRET"]!
        sandboxConfiguration.graph.users.append(
            GraphUser(displayName: "Li Sun", userPrincipalName: "li.sun@example.com", mail: "li.sun@example.com", employeeId: "E0042"))
        let sandbox = FeishuSandbox(configuration: sandboxConfiguration)
        let receiverPort = PortAnnouncement(), sandboxPort = PortAnnouncement(), servicePort = PortAnnouncement()
        let helpers = ServiceGroup(
            configuration: .init(
                services: [
                    receiver.application(logger: logger, onServerRunning: receiverPort.announce),
                    sandbox.application(host: "127.0.0.1", port: 0, logger: logger, onServerRunning: sandboxPort.announce),
                ],
                logger: logger
            ))
        try await withHTTPClient { httpClient in
            try await run(
                folder: folder, environment: environment, webhookSecret: webhookSecret, receiver: receiver, sandbox: sandbox,
                helpers: helpers, ports: (receiverPort, sandboxPort, servicePort), httpClient: httpClient, logger: logger)
        }
    }

    func run(
        folder: String, environment: [String: String], webhookSecret: SigningSecret, receiver: CallbackReceiver,
        sandbox: FeishuSandbox, helpers: ServiceGroup, ports: (PortAnnouncement, PortAnnouncement, PortAnnouncement),
        httpClient: HTTPClient, logger: Logger
    ) async throws {
        let (receiverPort, sandboxPort, servicePort) = ports
        let adminPort = PortAnnouncement()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await helpers.run() }
            guard let callbackPort = await receiverPort.port(), let feishuPort = await sandboxPort.port() else { return }

            let configuration = HireBindConfiguration(
                server: .init(host: "127.0.0.1", port: 0),
                database: .init(path: folder + "/hirebind.sqlite"),
                sources: [
                    "hr": .init(secrets: [.environment("HIREBIND_WEBHOOK_SECRET")]),
                    // The Feishu app's event subscription; the demo reconciles by hand (step 9) instead of hourly.
                    "directory": .init(
                        scheme: .feishuEvents, verificationToken: .environment("HIREBIND_FEISHU_VERIFICATION_TOKEN"),
                        encryptKeys: [.environment("HIREBIND_FEISHU_ENCRYPT_KEY")], reconcileMinutes: 0
                    ),
                ],
                // People of the company on Exchange Online get their address from its directory; the rest from the rules.
                naming: .init(ruleSets: [
                    NamingRuleSet(name: "exchange-online", when: RuleCondition(company: ["Exchange Online"]), domain: "example.com"),
                    NamingRuleSet(name: "default", domain: "example.com"),
                ]),
                feishu: .init(
                    baseURL: "http://127.0.0.1:\(feishuPort)", accountsURL: "http://127.0.0.1:\(feishuPort)",
                    adminAccount: "exchange-admin@example.com",
                    appID: .environment("HIREBIND_FEISHU_APP_ID"), appSecret: .environment("HIREBIND_FEISHU_APP_SECRET"),
                    oauth: .init(redirectURI: "http://127.0.0.1:\(Int.random(in: 20_000...29_999))/callback"),
                    sync: .init(firstPollSeconds: 0.5, maxPollSeconds: 1)
                ),
                worker: .init(pollSeconds: 0.2),
                callbacks: .init(
                    defaultURL: "http://127.0.0.1:\(callbackPort)/hr/callback", secret: .environment("HIREBIND_CALLBACK_SECRET"),
                    allowPrivateAddresses: true),
                admin: .init(host: "127.0.0.1", port: 0, token: .environment("HIREBIND_ADMIN_TOKEN")),
                mailboxDirectory: .init(
                    backend: .graph, mode: .off, ruleSets: ["exchange-online": .adopt], recheckMinSeconds: 0.5, recheckMaxSeconds: 1,
                    graph: .init(
                        tenantID: sandbox.configuration.graph.tenantID, clientID: sandbox.configuration.graph.clientID,
                        clientSecret: .environment("HIREBIND_GRAPH_CLIENT_SECRET"), authorityURL: "http://127.0.0.1:\(feishuPort)",
                        graphURL: "http://127.0.0.1:\(feishuPort)")
                )
            )
            let secrets = try ServiceSecrets.resolve(configuration, environment: environment)
            let store = try SQLiteJobStore(path: configuration.database.path)

            print("0. A tenant super admin logs in once (`hirebind feishu login`: OAuth against the sandbox).")
            let login = FeishuLogin(settings: configuration.feishu, app: secrets.feishuApp!, store: store, httpClient: httpClient, logger: logger)
            print("   → authorize at \(configuration.feishu.accountsURL)/open-apis/authen/v1/authorize?…scope=offline_access …")
            let stored = try await login.completeAgainstSandbox(httpClient: httpClient)
            print("   → token pair stored (generation \(stored.generation)); the service refreshes it before it expires\n")

            let services = HireBindApplication.build(
                configuration: configuration, secrets: secrets, namer: try NamingRules.namer(configuration.naming), store: store,
                httpClient: httpClient, logger: logger,
                onServerRunning: servicePort.announce, onAdminRunning: adminPort.announce
            )
            let service = ServiceGroup(configuration: .init(services: services, logger: logger))
            group.addTask { try await service.run() }
            guard let port = await servicePort.port(), let adminPortNumber = await adminPort.port() else { return }

            let reconciler = try DirectoryReconciler.standalone(
                source: "directory", configuration: configuration, secrets: secrets, store: store, httpClient: httpClient, logger: logger)
            let script = DemoScript(
                client: httpClient, serviceURL: "http://127.0.0.1:\(port)", adminURL: "http://127.0.0.1:\(adminPortNumber)",
                sandboxURL: "http://127.0.0.1:\(feishuPort)",
                webhookSecret: webhookSecret,
                adminToken: environment["HIREBIND_ADMIN_TOKEN"]!, verificationToken: environment["HIREBIND_FEISHU_VERIFICATION_TOKEN"]!,
                encryptKey: environment["HIREBIND_FEISHU_ENCRYPT_KEY"]!, sandbox: sandbox, receiver: receiver, reconciler: reconciler
            )
            print(
                """
                hirebind dry run: everything runs in this process on 127.0.0.1; nothing leaves the machine.
                  store     SQLite (WAL) at \(configuration.database.path)
                  Feishu    sandbox at http://127.0.0.1:\(feishuPort)
                  Exchange  Microsoft Graph simulator at http://127.0.0.1:\(feishuPort)/v1.0/users
                  service   hirebind at http://127.0.0.1:\(port) (admin API and metrics at http://127.0.0.1:\(adminPortNumber))
                  callbacks HR receiver at http://127.0.0.1:\(callbackPort)/hr/callback

                """)
            let outcome = await script.run()
            await service.triggerGracefulShutdown()
            await helpers.triggerGracefulShutdown()
            try await group.waitForAll()
            if case .failure(let failure) = outcome {
                throw failure
            }
        }
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}

struct DemoFailure: Error, CustomStringConvertible {
    var description: String
}

/// The steps of the dry run, each printed as it happens.
struct DemoScript {
    let client: HTTPClient
    let serviceURL: String
    /// The admin listener, where the script reads the jobs.
    let adminURL: String
    let sandboxURL: String
    let webhookSecret: SigningSecret
    let adminToken: String
    let verificationToken: String
    let encryptKey: String
    let sandbox: FeishuSandbox
    let receiver: CallbackReceiver
    let reconciler: DirectoryReconciler

    func run() async -> Result<Void, DemoFailure> {
        do {
            try await steps()
            return .success(())
        } catch let failure as DemoFailure {
            print("\nDry run FAILED: \(failure)")
            return .failure(failure)
        } catch {
            print("\nDry run FAILED: \(error)")
            return .failure(DemoFailure(description: "\(error)"))
        }
    }

    func steps() async throws {
        let first = event(id: "evt-1001", employee: "E1001", given: "伟", family: "张", userID: "ou_demo_zhangwei")
        print("1. The HR system posts a signed employee.hired webhook for 张伟 (employee E1001).")
        let (status, receipt) = try await post(first)
        guard status == 202, let jobID = receipt["job_id"] as? String else {
            throw DemoFailure(description: "expected 202 Accepted, got \(status): \(receipt)")
        }
        print("   → \(status) Accepted: job \(jobID) will bind \(receipt["exchange_account"] ?? "?")")

        print("2. A worker binds the mailbox in Feishu (the sandbox).")
        let job = try await waitForJob(jobID)
        guard job["status"] as? String == "succeeded" else {
            throw DemoFailure(description: "the job ended as \(job["status"] ?? "?"): \(job["last_error"] ?? "")")
        }
        if let request = await sandbox.state.receivedRequests().first(where: { $0.path == FeishuSandbox.bindingsPath }) {
            print("   → Feishu received \(request.method) \(request.path)?\(request.query)")
            print("     body \(String(decoding: request.body, as: UTF8.self))")
        }
        print("   → bound: exchange_binding_id \(job["exchange_binding_id"] ?? "?")")

        print("3. hirebind posts the signed result to the HR callback, then follows the calendar sync to its end.")
        let deliveries = await receiver.inbox.waitFor(count: 2, seconds: 10)
        guard deliveries.count == 2, deliveries.allSatisfy(\.signatureValid) else {
            throw DemoFailure(description: "two callbacks with a valid signature did not arrive within 10 s")
        }
        for delivery in deliveries {
            let result = (try? JSONSerialization.jsonObject(with: Data(delivery.body))) as? [String: Any] ?? [:]
            print(
                "   → delivered, signature verified: status \(result["status"] ?? "?"), sync_status \(result["sync_status"] ?? "?"), final \((result["final"] as? Bool).map(String.init) ?? "?")"
            )
        }

        print("4. The HR system sends the same event again (senders retry).")
        let (repeatStatus, repeatReceipt) = try await post(first)
        guard repeatStatus == 200, repeatReceipt["job_id"] as? String == jobID else {
            throw DemoFailure(description: "expected 200 with the first job, got \(repeatStatus): \(repeatReceipt)")
        }
        print("   → \(repeatStatus) OK: the same job \(jobID), nothing new is queued")

        print("5. A second 张伟 is hired (employee E1002); HR sends a mobile number instead of a Feishu user id.")
        var second = event(id: "evt-1002", employee: "E1002", given: "伟", family: "张", userID: "")
        second["employee"] = ["employee_id": "E1002", "given_name": "伟", "family_name": "张", "mobile": "+8613800001002"]
        let (secondStatus, secondReceipt) = try await post(second)
        guard secondStatus == 202, let secondJob = secondReceipt["job_id"] as? String else {
            throw DemoFailure(description: "expected 202 Accepted, got \(secondStatus): \(secondReceipt)")
        }
        print("   → \(secondStatus) Accepted: a different address, \(secondReceipt["exchange_account"] ?? "?")")
        let secondResult = try await waitForJob(secondJob)
        guard secondResult["status"] as? String == "succeeded" else {
            throw DemoFailure(description: "the second job ended as \(secondResult["status"] ?? "?")")
        }
        print("   → bound to \(secondResult["feishu_user_id"] ?? "?"), looked up by mobile in Feishu's contacts")
        _ = await receiver.inbox.waitFor(count: 4, seconds: 10)

        print("6. E1001 leaves: the HR system posts employee.terminated.")
        let leave: [String: Any] = [
            "event_id": "evt-1003", "event_type": "employee.terminated", "occurred_at": "2026-11-26T18:00:00Z", "employee": ["employee_id": "E1001"],
        ]
        let (leaveStatus, leaveReceipt) = try await post(leave)
        guard leaveStatus == 202, let leaveJob = leaveReceipt["job_id"] as? String else {
            throw DemoFailure(description: "expected 202 Accepted, got \(leaveStatus): \(leaveReceipt)")
        }
        let unbind = try await waitForJob(leaveJob)
        guard unbind["status"] as? String == "succeeded" else {
            throw DemoFailure(description: "the unbind job ended as \(unbind["status"] ?? "?")")
        }
        print("   → binding of \(leaveReceipt["exchange_account"] ?? "?") deleted in Feishu; the address stays reserved, never handed out again")
        _ = await receiver.inbox.waitFor(count: 5, seconds: 10)

        print("7. Someone posts a webhook with a forged signature.")
        let forged = try await post(
            event(id: "evt-9999", employee: "E9999", given: "Mallory", family: "Forger", userID: "ou_x"),
            secret: SigningSecret(key: Array(repeating: 7, count: 32)))
        guard forged.0 == 401 else { throw DemoFailure(description: "expected 401, got \(forged.0)") }
        print("   → \(forged.0) Unauthorized: \((forged.1["error"] as? [String: Any])?["message"] ?? "")")

        try await directorySteps()
        try await exchangeSteps()

        let callbacks = await receiver.inbox.all()
        let bindings = await sandbox.state.allBindings()
        print(
            "\nDry run complete: \(bindings.count) bindings in Feishu, \(callbacks.filter(\.signatureValid).count) signed HR callbacks delivered, 1 forgery refused, 1 leak prevented."
        )
    }

    /// The Exchange side: for the company on Exchange Online, Microsoft Graph is asked whose mailbox an address is.
    func exchangeSteps() async throws {
        print("10. The Exchange Online company hires 陈芳 (E1004); its mailbox was made by Entra ID as f.chen@example.com.")
        var fang = event(id: "evt-1004", employee: "E1004", given: "芳", family: "陈", userID: "ou_demo_chenfang")
        fang["employee"] = (fang["employee"] as? [String: Any] ?? [:]).merging(["company": "Exchange Online"]) { $1 }
        let (_, fangReceipt) = try await post(fang)
        guard let fangJob = fangReceipt["job_id"] as? String else { throw DemoFailure(description: "no job for 陈芳: \(fangReceipt)") }
        print("   → the rules computed \(fangReceipt["exchange_account"] ?? "?"); hirebind asks Graph before binding")
        let adopted = try await waitForJob(fangJob)
        guard adopted["status"] as? String == "succeeded", adopted["exchange_account"] as? String == "f.chen@example.com" else {
            throw DemoFailure(description: "陈芳's job ended as \(adopted["status"] ?? "?") with \(adopted["exchange_account"] ?? "?")")
        }
        print("   → adopted from the directory and bound: \(adopted["exchange_account"] ?? "?") (mode adopt)")

        print("11. It hires 孙丽 (E1006); li.sun@example.com is the mailbox of another 孙丽 (E0042) hired years ago.")
        var li = event(id: "evt-1006", employee: "E1006", given: "丽", family: "孙", userID: "ou_demo_sunli")
        li["employee"] = (li["employee"] as? [String: Any] ?? [:]).merging(["company": "Exchange Online"]) { $1 }
        let (_, liReceipt) = try await post(li)
        guard let liJob = liReceipt["job_id"] as? String else { throw DemoFailure(description: "no job for 孙丽: \(liReceipt)") }
        let refused = try await waitForJob(liJob)
        let error = refused["last_error"] as? [String: Any] ?? [:]
        guard refused["status"] as? String == "failed", error["code"] as? String == "mailbox_of_someone_else" else {
            throw DemoFailure(description: "孙丽's job ended as \(refused["status"] ?? "?"): \(error)")
        }
        let bound = await sandbox.state.allBindings().contains { $0.exchangeAccount == "li.sun@example.com" }
        print("   → refused, nothing bound\(bound ? " (BUT A BINDING EXISTS)" : ""): \(error["message"] ?? "")")
        print("   → the HR callback says so; hirebind_mailbox_refusals_total{reason=\"someone_else\"} counts it")
    }

    /// Feishu's own directory as the trigger: a person added there is bound with no HR webhook; staff already
    /// there on day one are backfilled.
    func directorySteps() async throws {
        let staff = ["王芳", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周杰", "吴敏"]
        for name in staff { _ = try await sandboxCall("/sandbox/users", ["name": name]) }

        print("8. The Feishu app's event subscription is pointed at hirebind (/v1/webhooks/directory, encrypted, signed).")
        let subscribed = try await sandboxCall(
            "/sandbox/events/subscription",
            [
                "request_url": serviceURL + "/v1/webhooks/directory", "verification_token": verificationToken, "encrypt_key": encryptKey,
                "retry_delays": [0.5, 1, 2],
            ]
        )
        print("   → Feishu's URL challenge answered: HTTP \(subscribed["verification_status"] ?? "?")")
        print("   HR adds 李娜 to the Feishu directory; no HR webhook is sent.")
        let added = try await sandboxCall("/sandbox/users", ["name": "李娜", "en_name": "Na Li", "department_ids": ["od-sales"], "city": "Shanghai"])
        guard let openID = added["open_id"] as? String else { throw DemoFailure(description: "the sandbox did not add the person: \(added)") }
        let job = try await waitForEmployee(openID)
        print("   → contact.user.created_v3 delivered; bound \(job["exchange_account"] ?? "?") to \(openID) (the id came with the event)")

        print("9. Day one: \(staff.count) people were in the directory before hirebind. `hirebind backfill --from feishu`:")
        let bar = ProgressBar(output: .standardOutput, indent: "   ", width: 20)
        let summary = try await reconciler.bindMissing(try await reconciler.people()) { bar.show($0) }
        print(
            "   → \(summary.queued.count) queued, \(summary.alreadyBound) already bound, \(summary.skipped.count) skipped; run again: nothing is doubled"
        )
        for planned in summary.queued.prefix(3) { print("     \(planned.name) → \(planned.address)") }
        for planned in summary.queued { _ = try await waitForEmployee(planned.key) }
        let again = try await reconciler.bindMissing(try await reconciler.people())
        print("   → second run: \(again.queued.count) queued, \(again.alreadyBound) already bound")
    }

    func sandboxCall(_ path: String, _ json: [String: Any]) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: sandboxURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
        let response = try await client.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
    }

    /// Waits for the directory person's bind job to succeed.
    func waitForEmployee(_ openID: String) async throws -> [String: Any] {
        for _ in 0..<100 {
            var request = HTTPClientRequest(url: adminURL + "/v1/jobs?limit=1000")
            request.headers.add(name: "Authorization", value: "Bearer \(adminToken)")
            let response = try await client.execute(request, timeout: .seconds(10))
            let bytes = try await response.body.collect(upTo: 1 << 20)
            let jobs = ((try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any])?["jobs"] as? [[String: Any]] ?? []
            if let job = jobs.first(where: { $0["employee_id"] as? String == openID && $0["status"] as? String == "succeeded" }) { return job }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw DemoFailure(description: "the directory person \(openID) was not bound within 10 s")
    }

    func event(id: String, employee: String, given: String, family: String, userID: String) -> [String: Any] {
        [
            "event_id": id,
            "event_type": "employee.hired",
            "occurred_at": "2026-11-25T09:00:00Z",
            "employee": ["employee_id": employee, "given_name": given, "family_name": family, "feishu_user_id": userID],
        ]
    }

    func post(_ event: [String: Any], secret: SigningSecret? = nil) async throws -> (Int, [String: Any]) {
        let body = Array(try JSONSerialization.data(withJSONObject: event, options: [.sortedKeys]))
        var request = HTTPClientRequest(url: serviceURL + "/v1/webhooks/hr")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        let headers = StandardWebhooks.sign(
            id: "msg_" + (event["event_id"] as? String ?? ""), timestamp: Int64(Date().timeIntervalSince1970),
            body: body, secret: secret ?? webhookSecret
        )
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let object = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
        return (Int(response.status.code), object)
    }

    func waitForJob(_ id: String) async throws -> [String: Any] {
        for _ in 0..<100 {
            var request = HTTPClientRequest(url: adminURL + "/v1/jobs/" + id)
            request.headers.add(name: "Authorization", value: "Bearer \(adminToken)")
            let response = try await client.execute(request, timeout: .seconds(10))
            let bytes = try await response.body.collect(upTo: 1 << 20)
            let object = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
            if let job = object["job"] as? [String: Any], let status = job["status"] as? String, status != "queued", status != "running" {
                return job
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw DemoFailure(description: "job \(id) did not finish within 10 s")
    }
}
