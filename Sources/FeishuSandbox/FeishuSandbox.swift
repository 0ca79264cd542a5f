// FeishuSandbox: the simulator of the exchange binding API: routes, validation, auth, error codes.

import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
import NIOCore

/// A simulator of the Feishu exchange binding API, faithful to its documented validation, auth and answers.
/// It is what the tests call and what a user runs for a dry run (`hirebind sandbox`).
public struct FeishuSandbox: Sendable {
    public static let bindingsPath = "/open-apis/calendar/v4/exchange_bindings"
    static let userIDTypes: Set<String> = ["open_id", "union_id", "user_id"]
    static let maximumBodyBytes = 64 * 1024

    public let configuration: SandboxConfiguration
    public let state: SandboxState
    /// People added while it runs (`POST /sandbox/users`).
    public let directory = SandboxDirectory()
    /// Feishu People's employees (`POST /sandbox/corehr/employees`).
    let coreHR = SandboxCoreHR()
    /// The app's event subscription: directory changes are delivered to its request URL.
    public let events: SandboxEventPublisher
    /// Microsoft Graph and Entra's token endpoint, for the mailbox directory (`/v1.0/users`, `/{tenant}/oauth2/v2.0/token`).
    public let graph: SandboxGraph

    public init(configuration: SandboxConfiguration, state: SandboxState = SandboxState()) {
        self.configuration = configuration
        self.graph = SandboxGraph(configuration: configuration.graph)
        self.state = state
        self.events = SandboxEventPublisher(subscription: configuration.eventSubscription, appID: configuration.appID)
    }

    /// The binding id Feishu's example shows: base64 of `"{admin_account} {exchange_account}"`.
    public static func bindingID(adminAccount: String, exchangeAccount: String) -> String {
        Data("\(adminAccount) \(exchangeAccount)".utf8).base64EncodedString()
    }

    /// A Hummingbird application serving the sandbox on `host:port` (0 picks a free port).
    public func application(
        host: String,
        port: Int,
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        addRoutes(to: router)
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "feishu-sandbox"),
            services: [events],
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.post(RouterPath(stringLiteral: Self.bindingsPath)) { request, context in
            try await self.create(request, context: context)
        }
        router.get(RouterPath(stringLiteral: Self.bindingsPath + "/:binding_id")) { request, context in
            try await self.get(request, context: context)
        }
        router.delete(RouterPath(stringLiteral: Self.bindingsPath + "/:binding_id")) { request, context in
            try await self.delete(request, context: context)
        }
        addAuthRoutes(to: router)
        addContactRoutes(to: router)
        addControlRoutes(to: router)
        addDirectoryRoutes(to: router)
        addDirectoryReadRoutes(to: router)
        addCoreHRRoutes(to: router)
        addGraphRoutes(to: router)
        // Not Feishu's: what the sandbox tenant holds, for dry runs and the crash test to check.
        router.get("/sandbox/bindings") { _, _ in
            let bindings = await self.state.allBindings().map { binding in
                [
                    "exchange_binding_id": binding.id, "admin_account": binding.adminAccount, "exchange_account": binding.exchangeAccount,
                    "user_id": binding.userID, "create_calls": binding.createCalls,
                ] as [String: Any]
            }
            return Self.json(.ok, ["bindings": bindings])
        }
        router.get("/sandbox/stats") { _, _ in
            let times = await self.state.admittedCallTimes()
            var stats: [String: Any] = [
                "admitted_create_calls": times.count,
                "rate_limited_calls": await self.state.rateLimitedCalls,
                "bindings": await self.state.allBindings().count,
                "refreshes_granted": await self.state.refreshesGranted,
            ]
            if let first = times.first, let last = times.last {
                stats["first_call_at"] = first.timeIntervalSince1970
                stats["last_call_at"] = last.timeIntervalSince1970
                // Calls in each consecutive 60-s window from the first call on.
                var minutes: [Int] = []
                for time in times {
                    let index = Int(time.timeIntervalSince(first) / 60)
                    while minutes.count <= index { minutes.append(0) }
                    minutes[index] += 1
                }
                stats["calls_per_minute"] = minutes
                stats["call_times"] = times.map(\.timeIntervalSince1970)
            }
            return Self.json(.ok, stats)
        }
    }

    // MARK: Handlers

    func create(_ request: Request, context: some RequestContext) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: Self.maximumBodyBytes)
        await state.record(Self.recorded(request, body: body))
        let scripted = try await scriptedFault()
        if let answer = scripted.answer { return answer }
        var holdBack = scripted.holdBack
        if let refusal = await rateLimited("create") { return refusal }
        let faults = configuration.randomFaults
        if faults.latencyMilliseconds.upperBound > 0 {
            try await Task.sleep(for: .milliseconds(Int.random(in: faults.latencyMilliseconds)))
        }
        let roll = Double.random(in: 0..<1)
        if roll < faults.serverErrorRate {
            return Self.error(.internalServerError, code: 190003, msg: "internal service error")
        }
        if roll < faults.serverErrorRate + faults.rateLimitRate {
            var response = Self.error(.tooManyRequests, code: 190004, msg: "method rate limited")
            response.headers[HTTPField.Name("x-ogw-ratelimit-limit")!] = "50"
            response.headers[HTTPField.Name("x-ogw-ratelimit-reset")!] = "1"
            return response
        }
        if roll < faults.serverErrorRate + faults.rateLimitRate + faults.lostResponseRate {
            holdBack = faults.lostResponseDelay
        }
        if let refusal = await authorize(request) { return refusal }
        guard let contentType = request.headers[.contentType], contentType.lowercased().hasPrefix("application/json") else {
            return Self.error(.badRequest, code: 190002, msg: "invalid parameters in request: Content-Type must be application/json; charset=utf-8")
        }
        let userIDType = request.uri.queryParameters.get("user_id_type") ?? "open_id"
        guard Self.userIDTypes.contains(userIDType) else {
            return Self.error(.badRequest, code: 190002, msg: "invalid parameters in request: user_id_type must be open_id, union_id or user_id")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] else {
            return Self.error(.badRequest, code: 190002, msg: "invalid parameters in request: the body is not a JSON object")
        }
        var fields: [String: String] = [:]
        for name in ["admin_account", "exchange_account", "user_id"] {
            guard let value = object[name] as? String else {
                return Self.error(.badRequest, code: 190002, msg: "invalid parameters in request: \(name) is required and must be a string")
            }
            guard (1...500).contains(value.count) else {
                return Self.error(.badRequest, code: 190002, msg: "invalid parameters in request: \(name) must be 1-500 characters")
            }
            fields[name] = value
        }
        let admin = fields["admin_account"]!, exchange = fields["exchange_account"]!, userID = fields["user_id"]!
        if configuration.usersNotInTenant.contains(userID) {
            return Self.error(.notFound, code: 195100, msg: "user is dismiss or not exist in the tenant")
        }
        if let known = configuration.adminAccounts, !known.contains(admin) {
            return Self.error(.notFound, code: 195106, msg: "admin account is not found")
        }
        let id = Self.bindingID(adminAccount: admin, exchangeAccount: exchange)
        let binding = await state.bind(id: id, adminAccount: admin, exchangeAccount: exchange, userID: userID, now: Date())
        if let holdBack {
            try await Task.sleep(for: .milliseconds(Int64(holdBack * 1000)))
        }
        return Self.success(binding, status: syncStatus(of: binding))
    }

    func get(_ request: Request, context: some RequestContext) async throws -> Response {
        await state.record(Self.recorded(request, body: ByteBuffer()))
        if let refusal = await rateLimited("get") { return refusal }
        if let refusal = await authorize(request) { return refusal }
        let id: String
        switch Self.bindingID(in: context) {
        case .success(let valid): id = valid
        case .failure(let refusal): return refusal.response
        }
        guard let binding = await state.binding(id: id) else {
            return Self.error(.notFound, code: 195103, msg: "exchange account binding is not found")
        }
        return Self.success(binding, status: syncStatus(of: binding))
    }

    func delete(_ request: Request, context: some RequestContext) async throws -> Response {
        await state.record(Self.recorded(request, body: ByteBuffer()))
        let scripted = try await scriptedFault()
        if let answer = scripted.answer { return answer }
        if let refusal = await rateLimited("delete") { return refusal }
        if let refusal = await authorize(request) { return refusal }
        let id: String
        switch Self.bindingID(in: context) {
        case .success(let valid): id = valid
        case .failure(let refusal): return refusal.response
        }
        guard await state.unbind(id: id) else {
            return Self.error(.notFound, code: 195103, msg: "exchange account binding is not found")
        }
        if let holdBack = scripted.holdBack {
            try await Task.sleep(for: .milliseconds(Int64(holdBack * 1000)))
        }
        return Self.json(.ok, ["code": 0, "msg": "success", "data": [String: Any]()])
    }

    /// The next scripted fault: an answer to give instead of the normal one, or how long to hold the normal
    /// answer back after doing the work (a lost response).
    func scriptedFault() async throws -> (answer: Response?, holdBack: Double?) {
        switch await state.nextFault() {
        case .lostResponse(let seconds): (nil, seconds)
        case let fault?: (try await answer(for: fault), nil)
        case nil: (nil, nil)
        }
    }

    /// A scripted fault's answer; nil for a fault that only delays.
    func answer(for fault: SandboxFault) async throws -> Response? {
        switch fault {
        case .error(let httpStatus, let code, let msg):
            var response = Self.error(.init(code: httpStatus), code: code, msg: msg)
            if httpStatus == 429 {
                response.headers[HTTPField.Name("x-ogw-ratelimit-limit")!] = "50"
                response.headers[HTTPField.Name("x-ogw-ratelimit-reset")!] = "1"
            }
            return response
        case .nonJSON(let httpStatus):
            return Response(status: .init(code: httpStatus), body: .init(byteBuffer: ByteBuffer(string: "<html><body>Bad Gateway</body></html>")))
        case .delay(let seconds), .lostResponse(let seconds):
            try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
            return nil
        }
    }

    /// The path's binding id, percent-decoded, or Feishu's 195102 when it is malformed.
    static func bindingID(in context: some RequestContext) -> Result<String, Refusal> {
        let raw = context.parameters.get("binding_id") ?? ""
        let id = raw.removingPercentEncoding ?? raw
        guard let decoded = Data(base64Encoded: id), let text = String(data: decoded, encoding: .utf8), text.contains(" ") else {
            return .failure(Refusal(response: error(.badRequest, code: 195102, msg: "exchange_binding_id invalid")))
        }
        return .success(id)
    }

    /// A response standing for an error, to carry through `Result`.
    struct Refusal: Error {
        var response: Response
    }

    /// Feishu's 429 when `method`'s windows are full.
    func rateLimited(_ method: String) async -> Response? {
        guard let wait = await state.admit(method, limits: configuration.rateLimits) else { return nil }
        var response = Self.error(.tooManyRequests, code: 99991400, msg: "request trigger frequency limit")
        response.headers[HTTPField.Name("x-ogw-ratelimit-limit")!] = "50"
        response.headers[HTTPField.Name("x-ogw-ratelimit-reset")!] = String(Int(wait.rounded(.up)))
        return response
    }

    // MARK: Helpers

    /// Nil when the bearer token is a super administrator's `user_access_token`; otherwise Feishu's answer.
    func authorize(_ request: Request) async -> Response? {
        guard let token = Self.bearerToken(request) else {
            return Self.error(.badRequest, code: 99991661, msg: "Missing access token for authorization. Please make a request with token attached.")
        }
        if configuration.superAdminTokens.contains(token) { return nil }
        if configuration.memberTokens.contains(token) {
            return Self.error(.forbidden, code: 195101, msg: "user is not supper administrator")
        }
        if let issued = await state.userToken(token, now: Date()) {
            if issued.expired {
                return Self.error(.unauthorized, code: 99991677, msg: "user access token expired. Please refresh the token.")
            }
            return issued.superAdmin ? nil : Self.error(.forbidden, code: 195101, msg: "user is not supper administrator")
        }
        return Self.error(.unauthorized, code: 99991668, msg: "Invalid access token for authorization. Please make a request with token attached.")
    }

    static func bearerToken(_ request: Request) -> String? {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "), header.count > 7 else { return nil }
        return String(header.dropFirst(7))
    }

    /// `doing`, then `cal_done`, `timespan_done` and `done` over `syncSeconds`; `err` at the end for a failing account.
    func syncStatus(of binding: SandboxBinding) -> String {
        let progress = Date().timeIntervalSince(binding.createdAt) / max(configuration.syncSeconds, 0.001)
        if progress >= 1 { return configuration.syncFailingAccounts.contains(binding.exchangeAccount) ? "err" : "done" }
        if progress >= 2.0 / 3 { return "timespan_done" }
        if progress >= 1.0 / 3 { return "cal_done" }
        return "doing"
    }

    static func recorded(_ request: Request, body: ByteBuffer) -> RecordedRequest {
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
        }
        return RecordedRequest(
            method: request.method.rawValue,
            path: request.uri.path,
            query: request.uri.query ?? "",
            headers: headers,
            body: Array(body.readableBytesView)
        )
    }

    static func success(_ binding: SandboxBinding, status: String) -> Response {
        json(
            .ok,
            [
                "code": 0,
                "msg": "success",
                "data": [
                    "admin_account": binding.adminAccount,
                    "exchange_account": binding.exchangeAccount,
                    "user_id": binding.userID,
                    "status": status,
                    "exchange_binding_id": binding.id,
                ] as [String: Any],
            ])
    }

    static func error(_ status: HTTPResponse.Status, code: Int, msg: String) -> Response {
        json(status, ["code": code, "msg": msg])
    }

    static func json(_ status: HTTPResponse.Status, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[HTTPField.Name("X-Tt-Logid")!] = logID()
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func logID() -> String {
        let stamp = Int(Date().timeIntervalSince1970)
        return "sandbox\(stamp)\(UInt32.random(in: 0...UInt32.max))"
    }
}
