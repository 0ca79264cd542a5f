// FeishuClientTests: the Feishu client against the sandbox over real HTTP.

import AsyncHTTPClient
import DryRun
import FeishuSandbox
import Foundation
import HireBind
import HireBindCore
import HireBindTesting
import Logging
import Secrets
import Testing

@testable import FeishuAPI

/// The client against the sandbox over real HTTP.
@Suite struct FeishuClientTests {
    static let token = Secret("u-super-admin")
    let logger = Logger(label: "feishu-client-test")

    func withClient(timeoutSeconds: Double = 5, _ body: (FeishuClient, FeishuSandbox) async throws -> Void) async throws {
        let sandbox = FeishuSandbox(configuration: SandboxConfiguration(superAdminTokens: [Self.token.value], usersNotInTenant: ["ou_gone"]))
        let port = PortAnnouncement()
        try await withRunningServices(
            [sandbox.application(host: "127.0.0.1", port: 0, logger: logger, onServerRunning: port.announce)], logger: logger
        ) { _ in
            let client = FeishuClient(
                httpClient: .shared, hosts: FeishuHosts(singleHost: "http://127.0.0.1:\(await port.port()!)/"), timeoutSeconds: timeoutSeconds,
                logger: logger)
            try await body(client, sandbox)
        }
    }

    let request = ExchangeBindingRequest(adminAccount: "admin@example.com", exchangeAccount: "wei.zhang@example.com", userID: "ou_1")

    @Test func createSendsExactlyWhatTheSeedDocuments() async throws {
        try await withClient { client, sandbox in
            let answer = try await client.createExchangeBinding(request, userIDType: "union_id", accessToken: Self.token)
            #expect(
                answer.value.exchangeBindingID == FeishuSandbox.bindingID(adminAccount: "admin@example.com", exchangeAccount: "wei.zhang@example.com")
            )
            #expect(answer.value.status == "doing")
            #expect(answer.logID?.hasPrefix("sandbox") == true)
            let received = try #require(await sandbox.state.receivedRequests().first)
            #expect(received.method == "POST")
            #expect(received.path == "/open-apis/calendar/v4/exchange_bindings")
            #expect(received.query == "user_id_type=union_id")
            #expect(received.header("authorization") == "Bearer u-super-admin")
            #expect(received.header("content-type") == "application/json; charset=utf-8")
            let body = try JSONSerialization.jsonObject(with: Data(received.body)) as? [String: String]
            #expect(body == ["admin_account": "admin@example.com", "exchange_account": "wei.zhang@example.com", "user_id": "ou_1"])
        }
    }

    @Test func getFindsTheBindingByItsEncodedId() async throws {
        try await withClient { client, _ in
            let created = try await client.createExchangeBinding(request, userIDType: "open_id", accessToken: Self.token)
            let fetched = try await client.exchangeBinding(id: created.value.exchangeBindingID, userIDType: "open_id", accessToken: Self.token)
            #expect(fetched.value.exchangeAccount == "wei.zhang@example.com")
        }
    }

    @Test func apiErrorsCarryCodeStatusAndLogID() async throws {
        try await withClient { client, _ in
            let gone = ExchangeBindingRequest(adminAccount: "admin@example.com", exchangeAccount: "x@example.com", userID: "ou_gone")
            let error = try await #require(throws: FeishuCallError.self) {
                _ = try await client.createExchangeBinding(gone, userIDType: "open_id", accessToken: Self.token)
            }
            guard case .api(let code, _, let status, let logID, _) = error else { Issue.record("expected an API error"); return }
            #expect(code == 195100)
            #expect(status == 404)
            #expect(logID != nil)
            #expect(error.errorClass == .permanent)
            #expect(error.failure.hint.contains("feishu_user_id"))
        }
    }

    @Test func invalidTokenIsRefreshedFirstAndNeverEchoed() async throws {
        try await withClient { client, _ in
            let error = try await #require(throws: FeishuCallError.self) {
                _ = try await client.createExchangeBinding(request, userIDType: "open_id", accessToken: Secret("u-wrong-token-value"))
            }
            #expect(error.errorClass == .refreshThenRetry)
            #expect(error.failure.code == "99991668")
            #expect(!"\(error) \(error.failure)".contains("u-wrong-token-value"))
        }
    }

    @Test func serverErrorsAndNonJSONAreRetryable() async throws {
        try await withClient { client, sandbox in
            await sandbox.state.inject([
                .error(httpStatus: 500, code: 190003, msg: "internal service error"),
                .nonJSON(httpStatus: 502),
                .error(httpStatus: 429, code: 190005, msg: "app rate limited"),
            ])
            let first = try await #require(throws: FeishuCallError.self) {
                _ = try await client.createExchangeBinding(request, userIDType: "open_id", accessToken: Self.token)
            }
            #expect(first.errorClass == .retry)
            let second = try await #require(throws: FeishuCallError.self) {
                _ = try await client.createExchangeBinding(request, userIDType: "open_id", accessToken: Self.token)
            }
            #expect(second == .unexpectedResponse(httpStatus: 502, logID: second.logID))
            #expect(second.errorClass == .retry)
            let third = try await #require(throws: FeishuCallError.self) {
                _ = try await client.createExchangeBinding(request, userIDType: "open_id", accessToken: Self.token)
            }
            #expect(third.errorClass == .rateLimited)
        }
    }

    @Test func slowAnswerIsATimeout() async throws {
        try await withClient(timeoutSeconds: 0.3) { client, sandbox in
            await sandbox.state.inject([.delay(seconds: 1.5)])
            let error = try await #require(throws: FeishuCallError.self) {
                _ = try await client.createExchangeBinding(request, userIDType: "open_id", accessToken: Self.token)
            }
            #expect(error == .timeout(logID: nil))
            #expect(error.errorClass == .retry)
        }
    }

    @Test func unreachableServerIsATransportError() async throws {
        // Port 9 (discard) is closed on loopback: the connection is refused.
        let client = FeishuClient(httpClient: .shared, hosts: FeishuHosts(singleHost: "http://127.0.0.1:9"), timeoutSeconds: 2, logger: logger)
        let error = try await #require(throws: FeishuCallError.self) {
            _ = try await client.createExchangeBinding(request, userIDType: "open_id", accessToken: Self.token)
        }
        guard case .transport = error else { Issue.record("expected a transport error, got \(error)"); return }
        #expect(error.errorClass == .retry)
    }
}

@Suite struct FeishuErrorCatalogTests {
    /// Every code of the seed's error table, with the class the pipeline issue names.
    static let seedCodes: [(Int, Int, FeishuErrorClass)] = [
        (400, 190002, .permanent), (500, 190003, .retry), (429, 190004, .rateLimited), (429, 190005, .rateLimited),
        (403, 190006, .permanent), (404, 190007, .permanent), (429, 190010, .rateLimited), (404, 195100, .permanent),
        (403, 195101, .permanent), (400, 195102, .permanent), (404, 195103, .permanent), (403, 195104, .permanent),
        (403, 195105, .permanent), (404, 195106, .permanent),
    ]

    @Test(arguments: seedCodes.map(\.1))
    func everySeedCodeIsClassified(code: Int) {
        let (status, _, expected) = Self.seedCodes.first { $0.1 == code }!
        #expect(FeishuErrorCatalog.entries[code] != nil, "code \(code) is missing from the catalog")
        #expect(FeishuErrorCatalog.classify(code: code, httpStatus: status) == expected)
        #expect(!FeishuErrorCatalog.hint(code: code, httpStatus: status).isEmpty)
    }

    @Test func retryableSeedCodesAreRetried() {
        // "retryable (190003, 190004, 190005, 190010, 5xx, timeouts)": rate limits are retried too, without counting.
        for code in [190003, 190004, 190005, 190010] {
            #expect(FeishuErrorCatalog.classify(code: code, httpStatus: 200) != .permanent)
        }
        #expect(FeishuErrorCatalog.classify(code: 1, httpStatus: 503) == .retry)
        #expect(FeishuErrorCatalog.classify(code: 1, httpStatus: 429) == .rateLimited)
        #expect(FeishuErrorCatalog.classify(code: 1, httpStatus: 400) == .permanent)
    }
}

@Suite struct SlidingWindowRateLimiterTests {
    /// However the server aligns its windows and however long each call takes to arrive, no window holds more
    /// than the limit: the n-th call starts a window after the (n-limit)-th answered. Checked on the booked
    /// slots of a burst of 2500 calls that each take 30 ms (no sleeping involved).
    @Test func noWindowExceedsItsLimitWhateverTheLatency() async {
        let limiter = SlidingWindowRateLimiter(limits: [.init(50, per: .seconds(1)), .init(1000, per: .seconds(60))])
        let start = ContinuousClock.now
        var slots: [ContinuousClock.Instant] = []
        var ends: [ContinuousClock.Instant] = []
        for _ in 0..<2500 {
            guard case .booked(let ticket, let slot) = await limiter.book(now: start) else {
                Issue.record("every earlier call had answered: no wait expected")
                return
            }
            slots.append(slot)
            ends.append(slot + .milliseconds(30))
            await limiter.finish(ticket, at: slot + .milliseconds(30))
        }
        #expect(zip(slots, slots.dropFirst()).allSatisfy { $0 <= $1 })
        for index in 50..<slots.count {
            #expect(slots[index] - ends[index - 50] >= .seconds(1))
        }
        for index in 1000..<slots.count {
            #expect(slots[index] - ends[index - 1000] >= .seconds(60))
        }
        // And it is not slower than it must be: the first 50 go at once, the 1001st waits for the minute.
        #expect(slots[49] - slots[0] < .milliseconds(50))
        #expect(slots[1000] - slots[0] < .milliseconds(61_200))
    }

    /// Feishu's limits with the pace counted from starts: a long queue binds at the pace, losing no call's latency
    /// to it, and Feishu's windows (counted from answers) still hold. Calls of 80 ms, booked as soon as allowed.
    @Test func thePaceLosesNoLatencyAndFeishusWindowsHold() async {
        let limits = SlidingWindowRateLimiter.feishuExchangeBindings
        let limiter = SlidingWindowRateLimiter(limits: limits)
        let start = ContinuousClock.now
        var slots: [ContinuousClock.Instant] = []
        var ends: [ContinuousClock.Instant] = []
        for _ in 0..<3000 {
            guard case .booked(let ticket, let slot) = await limiter.book(now: slots.last ?? start) else {
                Issue.record("every earlier call had answered: no wait expected")
                return
            }
            slots.append(slot)
            ends.append(slot + .milliseconds(80))
            await limiter.finish(ticket, at: slot + .milliseconds(80))
        }
        for limit in limits where limit.countedFrom == .answers {
            for index in limit.limit..<slots.count {
                #expect(slots[index] - ends[index - limit.limit] >= limit.window)
            }
        }
        // A thousand calls take at most 60.5 s once the queue is long (at least 99.2 % of 1000/min): counted from
        // answers, the pace would have taken 20 × (3.015 + 0.08) = 61.9 s for them.
        #expect(slots[2000] - slots[1000] <= .milliseconds(60_500), "\(slots[2000] - slots[1000]) for 1000 calls")
    }

    @Test func callWaitsForTheEarlierCallToAnswer() async {
        let limiter = SlidingWindowRateLimiter(limits: [.init(2, per: .seconds(1))])
        let now = ContinuousClock.now
        guard case .booked(let first, _) = await limiter.book(now: now), case .booked = await limiter.book(now: now) else {
            Issue.record("the first two calls go at once")
            return
        }
        #expect(await limiter.book(now: now) == .waitForEarlierCall)
        await limiter.finish(first, at: now + .milliseconds(200))
        guard case .booked(_, let third) = await limiter.book(now: now) else {
            Issue.record("the third call is booked once the first answered")
            return
        }
        #expect(third == now + .milliseconds(1200))
    }
}
