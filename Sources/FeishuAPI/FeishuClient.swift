// FeishuClient: the typed exchange-binding and user-id calls, each rate limited, timed out and classified.

public import AsyncHTTPClient
import Foundation
public import Logging
import NIOCore
import NIOHTTP1
public import Secrets

/// A typed client for the Feishu open platform endpoints hirebind uses.
///
/// Every call waits for the rate limiter, carries an explicit timeout, and branches on Feishu's JSON `code`.
public struct FeishuClient: Sendable {
    public static let logIDHeader = "X-Tt-Logid"
    static let maximumResponseBytes = 1 << 20

    let httpClient: HTTPClient
    let baseURL: String
    let timeout: TimeAmount
    /// How long a call may take before its outcome is unknown.
    public let timeoutSeconds: Double
    /// One limiter per method: the platform limits each API on its own (create, get and delete each 50/s and
    /// 1000/min; `batch_get_id` the same), so sync follow-ups never slow a backfill's creates down.
    let rateLimiters: RateLimiters
    let logger: Logger

    /// The limiters of the methods the client calls.
    public struct RateLimiters: Sendable {
        public var create: any RateLimiting
        public var get: any RateLimiting
        public var delete: any RateLimiting
        public var batchGetID: any RateLimiting
        /// The contact API's directory reads (departments and their people).
        public var directory: any RateLimiting

        /// The methods by the names ``init(_:)`` passes.
        public static let methods = ["create", "get", "delete", "batch_get_id", "directory"]

        /// One process's limiters.
        public init(limits: [SlidingWindowRateLimiter.Limit] = SlidingWindowRateLimiter.feishuExchangeBindings) {
            self.init { _ in SlidingWindowRateLimiter(limits: limits) }
        }

        /// Each method's limiter made by `limiter`, given the method's name (one of ``methods``).
        public init(_ limiter: (String) -> any RateLimiting) {
            create = limiter("create")
            get = limiter("get")
            delete = limiter("delete")
            batchGetID = limiter("batch_get_id")
            directory = limiter("directory")
        }
    }

    public init(httpClient: HTTPClient, hosts: FeishuHosts, timeoutSeconds: Double, rateLimiters: RateLimiters = RateLimiters(), logger: Logger) {
        self.httpClient = httpClient
        self.baseURL = hosts.openBaseURL
        self.timeout = .milliseconds(Int64(timeoutSeconds * 1000))
        self.timeoutSeconds = timeoutSeconds
        self.rateLimiters = rateLimiters
        self.logger = logger
    }

    /// `POST /open-apis/calendar/v4/exchange_bindings?user_id_type=…`
    public func createExchangeBinding(
        _ body: ExchangeBindingRequest,
        userIDType: String,
        accessToken: Secret
    ) async throws(FeishuCallError) -> FeishuAnswer<ExchangeBinding> {
        let encoded: Data
        do {
            encoded = try JSONEncoder().encode(body)
        } catch {
            throw .transport("cannot encode the request: \(error)")
        }
        return try await call(
            method: .POST,
            path: "/open-apis/calendar/v4/exchange_bindings",
            query: [("user_id_type", userIDType)],
            body: encoded,
            accessToken: accessToken,
            rateLimiter: rateLimiters.create
        )
    }

    /// `GET /open-apis/calendar/v4/exchange_bindings/{id}?user_id_type=…`
    public func exchangeBinding(id: String, userIDType: String, accessToken: Secret) async throws(FeishuCallError) -> FeishuAnswer<ExchangeBinding> {
        try await call(
            method: .GET,
            path: "/open-apis/calendar/v4/exchange_bindings/" + Self.percentEncodePathSegment(id),
            query: [("user_id_type", userIDType)],
            body: nil,
            accessToken: accessToken,
            rateLimiter: rateLimiters.get
        )
    }

    /// `DELETE /open-apis/calendar/v4/exchange_bindings/{id}`
    public func deleteExchangeBinding(id: String, accessToken: Secret) async throws(FeishuCallError) -> FeishuAnswer<EmptyPayload> {
        try await call(
            method: .DELETE,
            path: "/open-apis/calendar/v4/exchange_bindings/" + Self.percentEncodePathSegment(id),
            query: [],
            body: nil,
            accessToken: accessToken,
            rateLimiter: rateLimiters.delete
        )
    }

    /// `POST /open-apis/contact/v3/users/batch_get_id?user_id_type=…` with a `tenant_access_token`:
    /// the user ids of up to 50 emails and 50 mobiles (an entry without `user_id` matched nobody).
    public func batchGetUserIDs(
        emails: [String], mobiles: [String], userIDType: String, tenantAccessToken: Secret
    ) async throws(FeishuCallError) -> FeishuAnswer<UserIDLookup> {
        let encoded: Data
        do {
            encoded = try JSONEncoder().encode(UserIDLookupRequest(emails: emails, mobiles: mobiles, includeResigned: false))
        } catch {
            throw .transport("cannot encode the request: \(error)")
        }
        return try await call(
            method: .POST,
            path: "/open-apis/contact/v3/users/batch_get_id",
            query: [("user_id_type", userIDType)],
            body: encoded,
            accessToken: tenantAccessToken,
            rateLimiter: rateLimiters.batchGetID
        )
    }

    /// `GET /open-apis/contact/v3/departments/{id}/children?fetch_child=true`: every department below `departmentID`
    /// ("0" is the root), a page at a time, with a `tenant_access_token`.
    public func departmentChildren(
        of departmentID: String, pageToken: String?, tenantAccessToken: Secret
    ) async throws(FeishuCallError) -> FeishuAnswer<DirectoryPage<DirectoryDepartment>> {
        var query = [("department_id_type", "open_department_id"), ("fetch_child", "true"), ("page_size", "50")]
        if let pageToken { query.append(("page_token", pageToken)) }
        return try await call(
            method: .GET, path: "/open-apis/contact/v3/departments/" + Self.percentEncodePathSegment(departmentID) + "/children", query: query,
            body: nil, accessToken: tenantAccessToken, rateLimiter: rateLimiters.directory
        )
    }

    /// `GET /open-apis/contact/v3/users/find_by_department`: the people directly in `departmentID`, a page at a time.
    public func usersInDepartment(
        _ departmentID: String, pageToken: String?, userIDType: String, tenantAccessToken: Secret
    ) async throws(FeishuCallError) -> FeishuAnswer<DirectoryPage<DirectoryUser>> {
        var query = [
            ("department_id", departmentID), ("department_id_type", "open_department_id"), ("user_id_type", userIDType), ("page_size", "50"),
        ]
        if let pageToken { query.append(("page_token", pageToken)) }
        return try await call(
            method: .GET, path: "/open-apis/contact/v3/users/find_by_department", query: query, body: nil, accessToken: tenantAccessToken,
            rateLimiter: rateLimiters.directory
        )
    }

    /// `POST /open-apis/corehr/v2/employees/batch_get`: Feishu People's employees by employment id (at most 100),
    /// with a `tenant_access_token`. An employee CoreHR does not know yet (its reads lag its events) is absent.
    public func coreHREmployees(
        employmentIDs: [String], userIDType: String, tenantAccessToken: Secret
    ) async throws(FeishuCallError) -> FeishuAnswer<CoreHREmployees> {
        let encoded: Data
        do {
            encoded = try JSONEncoder().encode(
                CoreHREmployeesRequest(employmentIDs: employmentIDs, fields: ["person_info.name_list", "work_email", "user_id"]))
        } catch {
            throw .transport("cannot encode the request: \(error)")
        }
        return try await call(
            method: .POST, path: "/open-apis/corehr/v2/employees/batch_get", query: [("user_id_type", userIDType)], body: encoded,
            accessToken: tenantAccessToken, rateLimiter: rateLimiters.directory
        )
    }

    func call<Payload: Decodable & Sendable>(
        method: HTTPMethod,
        path: String,
        query: [(String, String)],
        body: Data?,
        accessToken: Secret,
        rateLimiter: any RateLimiting
    ) async throws(FeishuCallError) -> FeishuAnswer<Payload> {
        var url = baseURL + path
        if !query.isEmpty {
            url += "?" + query.map { "\(Self.percentEncodePathSegment($0.0))=\(Self.percentEncodePathSegment($0.1))" }.joined(separator: "&")
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(accessToken.value)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            request.body = .bytes(ByteBuffer(bytes: body))
        }

        let ticket: RateLimitTicket
        do {
            ticket = try await rateLimiter.acquire()
        } catch is CancellationError {
            throw .transport("cancelled while waiting for the rate limiter")
        } catch {
            throw .transport("the rate limiter cannot book the call: \(error)")
        }

        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await httpClient.execute(request, timeout: timeout, logger: logger.forHTTPClient)
            bytes = try await response.body.collect(upTo: Self.maximumResponseBytes)
            await rateLimiter.finish(ticket)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            await rateLimiter.finish(ticket)
            throw .timeout(logID: nil)
        } catch {
            await rateLimiter.finish(ticket)
            throw .transport(String(describing: error))
        }
        let logID = response.headers.first(name: Self.logIDHeader)
        let status = Int(response.status.code)
        let envelope: FeishuEnvelope<Payload>
        do {
            envelope = try JSONDecoder().decode(FeishuEnvelope<Payload>.self, from: Data(bytes.readableBytesView))
        } catch {
            throw .unexpectedResponse(httpStatus: status, logID: logID)
        }
        guard envelope.code == 0 else {
            let reset = response.headers.first(name: "x-ogw-ratelimit-reset").flatMap(Double.init)
            throw .api(code: envelope.code, message: envelope.msg ?? "", httpStatus: status, logID: logID, retryAfter: reset)
        }
        guard let data = envelope.data ?? (EmptyPayload() as? Payload) else {
            throw .unexpectedResponse(httpStatus: status, logID: logID)
        }
        return FeishuAnswer(value: data, logID: logID)
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters, so base64 ids (`+`, `/`, `=`) survive a path.
    static func percentEncodePathSegment(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
