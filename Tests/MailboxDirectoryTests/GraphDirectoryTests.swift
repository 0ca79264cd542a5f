// GraphDirectoryTests: the Graph backend against the sandbox's Graph simulator over loopback HTTP.

import AsyncHTTPClient
import DryRun
import FeishuSandbox
import Foundation
import HireBind
import HireBindTesting
import Logging
import MailboxDirectory
import Secrets
import Testing

/// The Graph directory client against the bundled Graph simulator: client credentials, lookups, throttling, faults.
@Suite struct GraphDirectoryTests {
    let logger = Logger(label: "graph-test")

    func withGraph(
        secret: String = GraphSandboxConfiguration().clientSecret, identityAttribute: String = "employeeId", graphRequestsPer10Seconds: Int? = nil,
        _ body: (GraphDirectory, FeishuSandbox) async throws -> Void
    ) async throws {
        var configuration = SandboxConfiguration(superAdminTokens: [])
        if let graphRequestsPer10Seconds { configuration.graph.requestsPer10Seconds = graphRequestsPer10Seconds }
        let sandbox = FeishuSandbox(configuration: configuration)
        let port = PortAnnouncement()
        try await withRunningServices(
            [sandbox.application(host: "127.0.0.1", port: 0, logger: logger, onServerRunning: port.announce)], logger: logger
        ) { _ in
            let base = "http://127.0.0.1:\(await port.port()!)"
            let settings = GraphSandboxConfiguration()
            let directory = GraphDirectory(
                configuration: .init(
                    tenantID: settings.tenantID, clientID: settings.clientID, clientSecret: Secret(secret), identityAttribute: identityAttribute,
                    authorityURL: base, graphURL: base, timeoutSeconds: 2),
                httpClient: .shared, logger: logger)
            try await body(directory, sandbox)
        }
    }

    @Test func looksUpPeopleAndAddressHoldersWithOneCachedToken() async throws {
        try await withGraph { directory, sandbox in
            let wei = try await directory.accounts(identity: "E1002")
            #expect(wei.map(\.primaryAddress) == ["wei.zhang2@example.com"])
            #expect(wei.first?.identity == "E1002")
            let holdersOfWei = try await directory.holders(of: "WEI.ZHANG@example.com").map(\.identity)
            #expect(holdersOfWei == ["E1001"])
            // An alias is found through proxyAddresses.
            let holdersOfAlias = try await directory.holders(of: "fang.chen@example.com").map(\.identity)
            #expect(holdersOfAlias == ["E1004"])
            let disabled = try await directory.accounts(identity: "E1003").map(\.enabled)
            #expect(disabled == [false])
            let nobody = try await directory.accounts(identity: "O'Brien")
            #expect(nobody.isEmpty)
            #expect(await sandbox.graph.tokenRequests == 1)
            #expect(await sandbox.graph.userQueries == 5)
        }
    }

    @Test func aRevokedTokenIsReplacedOnce() async throws {
        try await withGraph { directory, sandbox in
            _ = try await directory.accounts(identity: "E1001")
            await sandbox.graph.expireTokens()
            let afterRevocation = try await directory.accounts(identity: "E1001")
            #expect(afterRevocation.count == 1)
            #expect(await sandbox.graph.tokenRequests == 2)
        }
    }

    @Test func aWrongClientSecretIsACredentialsErrorThatNeverNamesTheSecret() async throws {
        let wrong = "wrong-graph-secret-\(UUID().uuidString)"
        try await withGraph(secret: wrong) { directory, _ in
            await #expect {
                _ = try await directory.accounts(identity: "E1001")
            } throws: { error in
                guard case .credentials(let reason) = error as? MailboxDirectoryError else { return false }
                return reason.contains("invalid_client") && !reason.contains(wrong)
            }
        }
    }

    @Test func throttlingCarriesRetryAfterAndAnOutageIsUnavailable() async throws {
        try await withGraph { directory, sandbox in
            await sandbox.graph.inject(status: 429, retryAfter: 7, count: 1)
            await #expect(throws: MailboxDirectoryError.throttled(retryAfter: 7)) { _ = try await directory.accounts(identity: "E1001") }
            await sandbox.graph.inject(status: 503, retryAfter: nil, count: 1)
            await #expect {
                _ = try await directory.accounts(identity: "E1001")
            } throws: { error in
                if case .unavailable(let reason) = error as? MailboxDirectoryError { return reason.contains("503") }
                return false
            }
            let afterOutage = try await directory.accounts(identity: "E1001")
            #expect(afterOutage.count == 1)
        }
    }

    @Test func theSimulatorsOwnRateLimitAnswers429WithRetryAfter() async throws {
        // 5 queries per 10 s, so the 6th is refused however slowly a loaded machine sends them (a full suite's load
        // with PostgreSQL servers beside it once spread 250 queries over more than 10 s, and once 21).
        try await withGraph(graphRequestsPer10Seconds: 5) { directory, _ in
            var throttled: Double?
            for _ in 0..<12 where throttled == nil {
                do throws(MailboxDirectoryError) {
                    _ = try await directory.holders(of: "nobody@example.com")
                } catch .throttled(let after) {
                    throttled = after
                } catch {
                    Issue.record("unexpected \(error)")
                    return
                }
            }
            let after = try #require(throttled)
            #expect(after >= 1 && after <= 11)
        }
    }

    @Test func aQueryGraphCannotAnswerIsAQueryError() async throws {
        try await withGraph(identityAttribute: "onPremisesExtensionAttributes/extensionAttribute1") { directory, _ in
            await #expect {
                _ = try await directory.accounts(identity: "E1001")
            } throws: { error in
                if case .misconfigured(let reason) = error as? MailboxDirectoryError { return reason.contains("Request_UnsupportedQuery") }
                return false
            }
        }
    }
}
