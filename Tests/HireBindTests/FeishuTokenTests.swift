// FeishuTokenTests: the admin's token: login, refresh, refusal, one refresher across replicas.

import AsyncHTTPClient
import DryRun
import FeishuAPI
import FeishuSandbox
import Foundation
import HireBind
import HireBindCore
import HireBindTesting
import JobStore
import Logging
import NIOCore
import Secrets
import Testing

/// The tenant super admin's token on its own: login, refresh before expiry and on refusal, one refresher
/// across replicas, and a dead refresh token that makes jobs wait until someone logs in again.
@Suite struct FeishuTokenTests {
    @Test func loginStoresThePairAndBindingUsesIt() async throws {
        try await Stack.with(.init { $0.login = true }) { stack in
            let stored = try #require(try await stack.store.userToken())
            #expect(stored.generation == 1)
            #expect(stored.pair.refreshToken != nil)
            #expect(stored.pair.scope?.contains("offline_access") == true)
            let answer = try await stack.postWebhook(Stack.event("evt-login"))
            let detail = try await stack.finishedJob(try #require(answer.json["job_id"] as? String))
            #expect((detail["job"] as? [String: Any])?["status"] as? String == "succeeded")
            let create = try #require(
                await stack.sandbox.state.receivedRequests().first { $0.method == "POST" && $0.path == FeishuSandbox.bindingsPath })
            #expect(create.header("authorization") == "Bearer \(stored.pair.accessToken.value)")
        }
    }

    @Test func tokenExpiringMidRunIsRefreshedAndRotated() async throws {
        // Access tokens live 3 s and are refreshed with 1.5 s left.
        try await Stack.with(
            .init {
                $0.login = true; $0.refreshMarginSeconds = 1.5; $0.sandboxSettings = { $0.userAccessTokenSeconds = 3 }
            }
        ) { stack in
            let first = try #require(try await stack.store.userToken())
            for index in 0..<4 {
                let answer = try await stack.postWebhook(Stack.event("evt-mid-\(index)", given: "Wei\(index)", family: "Zhang"))
                let detail = try await stack.finishedJob(try #require(answer.json["job_id"] as? String))
                #expect((detail["job"] as? [String: Any])?["status"] as? String == "succeeded")
                try await Task.sleep(for: .milliseconds(1000))
            }
            let last = try #require(try await stack.store.userToken())
            #expect(last.generation > first.generation)
            #expect(last.pair.refreshToken != first.pair.refreshToken)
            #expect(await stack.sandbox.state.refreshesGranted == last.generation - 1)
            // No call was refused for an expired token: the refresh came first.
            let creates = await stack.sandbox.state.receivedRequests().filter { $0.path == FeishuSandbox.bindingsPath }.count
            #expect(creates == 4)
        }
    }

    @Test func loginIsKeptAliveWithoutJobs() async throws {
        try await Stack.with(
            .init {
                $0.login = true; $0.refreshMarginSeconds = 1.5; $0.sandboxSettings = { $0.userAccessTokenSeconds = 2 }
            }
        ) { stack in
            try await Task.sleep(for: .milliseconds(2500))
            #expect(try await stack.store.userToken()?.generation ?? 0 >= 2)
            #expect(await stack.sandbox.state.refreshesGranted >= 1)
            #expect(try await stack.admin("/readyz", token: nil).status == 200)
        }
    }

    @Test func missingLoginIsReportedAtStart() async throws {
        try await Stack.with(
            .init {
                $0.login = false; $0.useFixedToken = false
            }
        ) { stack in
            var ready = try await stack.readiness(200, not: true)
            #expect(ready.status == 503)
            #expect(ready.errorMessage?.contains("not_logged_in") == true)
            // Logging in clears it without a restart.
            let login = FeishuLogin(
                settings: stack.configuration.feishu, app: stack.secrets.feishuApp!, store: stack.store, httpClient: .shared,
                logger: Logger(label: "login"))
            _ = try await login.completeAgainstSandbox(httpClient: .shared)
            ready = try await stack.readiness(200)
            #expect(ready.status == 200)
        }
    }

    @Test func tokenRefusedByFeishuIsRefreshedWithoutUsingAnAttempt() async throws {
        try await Stack.with(
            .init {
                $0.maxAttempts = 1; $0.login = true
            }
        ) { stack in
            _ = try await stack.sandboxCall("/sandbox/tokens/expire")
            let answer = try await stack.postWebhook(Stack.event("evt-expired"))
            let jobID = try #require(answer.json["job_id"] as? String)
            let detail = try await stack.finishedJob(jobID)
            #expect((detail["job"] as? [String: Any])?["status"] as? String == "succeeded")
            #expect(try await stack.store.userToken()?.generation == 2)
            let creates = await stack.sandbox.state.receivedRequests().filter { $0.path == FeishuSandbox.bindingsPath }
            #expect(creates.count == 2)
        }
    }

    @Test func usedRefreshTokenMakesJobsWaitUntilTheNextLogin() async throws {
        try await Stack.with(.init { $0.login = true }) { stack in
            // Another client spends the stored refresh token (it is single-use), then the access token expires.
            let stored = try #require(try await stack.store.userToken())
            let rogue = try await stack.sandboxCall(
                FeishuSandbox.tokenPath,
                json: [
                    "grant_type": "refresh_token", "client_id": Stack.appID, "client_secret": Stack.appSecret,
                    "refresh_token": stored.pair.refreshToken!.value,
                ])
            #expect(rogue.json["code"] as? Int == 0)
            _ = try await stack.sandboxCall("/sandbox/tokens/expire")

            let answer = try await stack.postWebhook(Stack.event("evt-dead-refresh"))
            let jobID = try #require(answer.json["job_id"] as? String)
            let ready = try await stack.readiness(200, not: true)
            #expect(ready.status == 503)
            #expect(ready.errorCode == "feishu_credentials")
            #expect(ready.errorMessage?.contains("hirebind feishu login") == true)
            let metrics = try await stack.metricsText()
            #expect(metrics.contains("hirebind_feishu_user_token_usable 0"))
            let waiting = try #require(try await stack.store.job(id: jobID))
            #expect(waiting.status == .queued || waiting.status == .running)
            #expect(waiting.attempts <= 1)
            // Feishu's refusal of the spent refresh token, or (when the worker looked again before this read, as a
            // loaded machine lets it) the dead login it left behind.
            #expect(["oauth_20073", "refresh_token_dead"].contains(waiting.lastError?.code ?? ""))
            #expect(try await stack.store.userToken()?.deadReason != nil)
            #expect(await stack.receiver.inbox.all().isEmpty)

            // Logging in again revives the queue: the job is bound and readiness recovers.
            let login = FeishuLogin(
                settings: stack.configuration.feishu, app: stack.secrets.feishuApp!, store: stack.store, httpClient: .shared,
                logger: Logger(label: "login"))
            _ = try await login.completeAgainstSandbox(httpClient: .shared)
            let detail = try await stack.finishedJob(jobID)
            #expect((detail["job"] as? [String: Any])?["status"] as? String == "succeeded")
            #expect(try await stack.admin("/readyz", token: nil).status == 200)
            #expect(try await stack.metricsText().contains("hirebind_feishu_user_token_usable 1"))
        }
    }

    @Test func replicasRefreshOnceBetweenThem() async throws {
        try await Stack.with(.init { $0.login = true }) { stack in
            _ = try await stack.sandboxCall("/sandbox/tokens/expire")
            let old = try #require(try await stack.store.userToken())
            // Two "replicas": two stores on one database file, each with its own refresher, twenty callers each.
            let path = stack.configuration.database.path
            let replicas = try (0..<2).map { _ in
                RefreshingUserAccessToken(
                    store: try SQLiteJobStore(path: path),
                    oauth: FeishuOAuth(
                        httpClient: .shared, hosts: FeishuHosts(singleHost: stack.sandboxURL), appID: Secret(Stack.appID),
                        appSecret: Secret(Stack.appSecret), timeoutSeconds: 5, logger: Logger(label: "replica")
                    ),
                    refreshMargin: 60, health: FeishuHealth(), metrics: HireBindMetrics(), logger: Logger(label: "replica")
                )
            }
            let tokens = try await withThrowingTaskGroup(of: String.self) { group in
                for replica in replicas {
                    for _ in 0..<20 {
                        group.addTask { try await replica.refused(old.pair.accessToken).value }
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(tokens.count == 1)
            #expect(await stack.sandbox.state.refreshesGranted == 1)
            #expect(try await stack.store.userToken()?.generation == old.generation + 1)
        }
    }
}

extension Stack {
    func metricsText() async throws -> String {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: adminURL + "/metrics"), timeout: .seconds(5))
        return String(buffer: try await response.body.collect(upTo: 1 << 20))
    }
}
