// SecretHygieneTests: no secret in any log line, callback or answer.

import DryRun
import FeishuSandbox
import Foundation
import HireBind
import HireBindCore
import HireBindTesting
import JobStore
import Logging
import Secrets
import Synchronization
import Testing
import WebhookSignature

/// Keeps every log line, rendered with its metadata, at trace level.
final class CapturingLogHandler: LogHandler, Sendable {
    private let lines = Mutex<[String]>([])
    private let storedMetadata = Mutex<Logger.Metadata>([:])

    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }

    var metadata: Logger.Metadata {
        get { storedMetadata.withLock { $0 } }
        set { storedMetadata.withLock { $0 = newValue } }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { storedMetadata.withLock { $0[key] = newValue } }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        lines.withLock { $0.append("\(event.level) \(event.message) \(all)") }
    }

    var text: String { lines.withLock { $0.joined(separator: "\n") } }
    var count: Int { lines.withLock { $0.count } }
}

@Suite struct SecretHygieneTests {
    @Test func noSecretReachesALogLineAnErrorBodyOrACallback() async throws {
        let capture = CapturingLogHandler()
        var logger = Logger(label: "hygiene") { _ in capture }
        logger.logLevel = .trace
        try await Stack.with(
            .init {
                $0.maxAttempts = 2; $0.logger = logger
            }
        ) { stack in
            var bodies: [String] = []
            // A bound job, a refused signature, a forged admin call, a Feishu refusal.
            let answer = try await stack.postWebhook(Stack.event("evt-hygiene"))
            bodies.append("\(answer.json)")
            _ = try await stack.finishedJob(try #require(answer.json["job_id"] as? String))
            let forged = try await stack.postWebhook(
                Array(try JSONSerialization.data(withJSONObject: Stack.event("evt-x"))),
                signedWith: SigningSecret(key: Array(repeating: 9, count: 32)))
            bodies.append("\(forged.json)")
            bodies.append("\(try await stack.admin("/v1/jobs", token: "wrong").json)")
            await stack.sandbox.state.inject([.error(httpStatus: 403, code: 195101, msg: "user is not supper administrator")])
            let refused = try await stack.postWebhook(Stack.event("evt-refused", userID: "ou_other"))
            let detail = try await stack.finishedJob(try #require(refused.json["job_id"] as? String))
            bodies.append("\(detail)")
            let callbacks = await stack.receiver.inbox.waitFor(count: 2, seconds: 10)
            bodies.append(contentsOf: callbacks.map { String(decoding: $0.body, as: UTF8.self) })

            let secrets = [
                stack.webhookSecret.standardWebhooksText, String(stack.webhookSecret.standardWebhooksText.dropFirst(6)),
                stack.callbackSecret.standardWebhooksText, String(stack.callbackSecret.standardWebhooksText.dropFirst(6)),
                Stack.feishuToken, Stack.adminToken,
            ]
            let logs = capture.text
            #expect(capture.count > 20, "the test must have logged at trace level")
            for secret in secrets {
                #expect(!logs.contains(secret), "a log line holds a secret")
                for body in bodies { #expect(!body.contains(secret), "a response or callback holds a secret") }
            }
        }
    }

    /// The HR API's client secret, the tokens it issues and an API key: in no log line at trace level, no job
    /// error, no callback, through a refused sign-in, a revoked token and a 404.
    @Test func hrAPICredentialsNeverReachALogLineAJobOrACallback() async throws {
        let capture = CapturingLogHandler()
        var logger = Logger(label: "hygiene") { _ in capture }
        logger.logLevel = .trace
        let traced = logger
        let clientSecret = "hr-client-secret-6f1d0c9a2b"
        let hr = HRAPIDouble(auth: .oauth2(clientID: "hirebind", clientSecret: clientSecret, expiresIn: 3600))
        await hr.add("E1", ["firstName": "Ada", "lastName": "Lovelace", "feishuOpenID": "ou_ada"])
        try await hr.with(logger: Logger(label: "hr")) { url in
            let fetch = FetchSettings(
                url: "\(url)/v1/employees/{employee_id}?api_key=hr-query-key-77aa",
                auth: .init(type: .oauth2, tokenURL: "\(url)/oauth/token", clientID: "hirebind", clientSecret: .environment("HR_CLIENT_SECRET")),
                map: HRPersonReaderTests.personMap)
            let options = Stack.Options {
                $0.logger = traced
                $0.extraSources = ["hr": HRPersonReaderTests.source(fetch: fetch)]
                $0.extraEnvironment = ["HR_CLIENT_SECRET": clientSecret]
            }
            try await Stack.with(options) { stack in
                var bodies: [String] = []
                for (event, id) in [("evt-1", "E1"), ("evt-2", "E-unknown")] {
                    let answer = try await stack.postWebhook(HRPersonReaderTests.event(event, employee: id), source: "hr")
                    bodies.append("\(answer.json)")
                    bodies.append("\(try await stack.finishedJob(try #require(answer.json["job_id"] as? String)))")
                }
                await hr.revokeTokens()
                let again = try await stack.postWebhook(HRPersonReaderTests.event("evt-3", employee: "E1"), source: "hr")
                bodies.append("\(try await stack.finishedJob(try #require(again.json["job_id"] as? String)))")
                let callbacks = await stack.receiver.inbox.waitFor(count: 2, seconds: 10)
                bodies.append(contentsOf: callbacks.map { String(decoding: $0.body, as: UTF8.self) })
                let issued = await hr.seen.compactMap(\.authorization).filter { $0.hasPrefix("Bearer ") }.map { String($0.dropFirst(7)) }
                #expect(!issued.isEmpty)
                let logs = capture.text
                for secret in [clientSecret, "hr-query-key-77aa"] + issued {
                    #expect(!logs.contains(secret), "a log line holds an HR API credential")
                    for body in bodies { #expect(!body.contains(secret), "a job, answer or callback holds an HR API credential") }
                }
            }
        }
    }

    @Test func tokensOfTheLoginNeverReachALogLineOrACallback() async throws {
        let capture = CapturingLogHandler()
        var logger = Logger(label: "hygiene") { _ in capture }
        logger.logLevel = .trace
        try await Stack.with(
            .init {
                $0.logger = logger; $0.login = true; $0.sandboxSettings = { $0.userAccessTokenSeconds = 1 }
            }
        ) { stack in
            let first = try #require(try await stack.store.userToken())
            // A refresh (the token lives a second), a lookup with the tenant token, an offboarding.
            try await Task.sleep(for: .milliseconds(1100))
            let event = Stack.event("evt-hygiene-login", userID: nil, extra: ["email": "na.li@example.com"])
            let answer = try await stack.postWebhook(event)
            _ = try await stack.finishedJob(try #require(answer.json["job_id"] as? String))
            let leave = try await stack.postWebhook(Stack.termination("evt-hygiene-leave", employeeID: "E-evt-hygiene-login"))
            _ = try await stack.finishedJob(try #require(leave.json["job_id"] as? String))
            let last = try #require(try await stack.store.userToken())
            #expect(last.generation > first.generation)

            let requests = await stack.sandbox.state.receivedRequests()
            var secrets = [
                Stack.appSecret, first.pair.accessToken.value, first.pair.refreshToken!.value, last.pair.accessToken.value,
                last.pair.refreshToken!.value,
            ]
            secrets += requests.compactMap { $0.header("authorization")?.replacingOccurrences(of: "Bearer ", with: "") }
            let logs = capture.text
            let callbacks = await stack.receiver.inbox.waitFor(count: 2, seconds: 10).map { String(decoding: $0.body, as: UTF8.self) }
            let readiness = "\(try await stack.admin("/readyz", token: nil).json)"
            #expect(capture.count > 20, "the test must have logged at trace level")
            for secret in Set(secrets) {
                #expect(!logs.contains(secret), "a log line holds a secret")
                for body in callbacks + [readiness] { #expect(!body.contains(secret), "a callback or answer holds a secret") }
            }
        }
    }
}
