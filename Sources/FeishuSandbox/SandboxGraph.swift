// SandboxGraph: a Microsoft Graph and Entra token endpoint simulator: users with mailboxes, throttling, faults.

import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore

/// A user of the simulated Entra ID tenant, as `GET /v1.0/users` answers it.
public struct GraphUser: Sendable, Hashable, Codable {
    public var id: String
    public var displayName: String
    public var userPrincipalName: String
    public var mail: String?
    public var proxyAddresses: [String]
    public var employeeId: String?
    public var accountEnabled: Bool

    public init(
        id: String? = nil, displayName: String, userPrincipalName: String, mail: String?, proxyAddresses: [String]? = nil,
        employeeId: String?, accountEnabled: Bool = true
    ) {
        self.id = id ?? UUID().uuidString.lowercased()
        self.displayName = displayName
        self.userPrincipalName = userPrincipalName
        self.mail = mail
        self.proxyAddresses = proxyAddresses ?? mail.map { ["SMTP:\($0)"] } ?? []
        self.employeeId = employeeId
        self.accountEnabled = accountEnabled
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let mail = try c.decodeIfPresent(String.self, forKey: .mail)
        self.init(
            id: try c.decodeIfPresent(String.self, forKey: .id), displayName: try c.decodeIfPresent(String.self, forKey: .displayName) ?? "",
            userPrincipalName: try c.decodeIfPresent(String.self, forKey: .userPrincipalName) ?? mail ?? "",
            mail: mail, proxyAddresses: try c.decodeIfPresent([String].self, forKey: .proxyAddresses),
            employeeId: try c.decodeIfPresent(String.self, forKey: .employeeId),
            accountEnabled: try c.decodeIfPresent(Bool.self, forKey: .accountEnabled) ?? true
        )
    }

    /// The tenant every sandbox starts with: two Wei Zhangs (`wei.zhang` is E1001's, `wei.zhang2` E1002's), a
    /// disabled account, and a person whose primary address is not the one naming rules would compute.
    public static let fixtures = [
        GraphUser(displayName: "Wei Zhang", userPrincipalName: "wei.zhang@example.com", mail: "wei.zhang@example.com", employeeId: "E1001"),
        GraphUser(displayName: "Wei Zhang", userPrincipalName: "wei.zhang2@example.com", mail: "wei.zhang2@example.com", employeeId: "E1002"),
        GraphUser(
            displayName: "Na Li", userPrincipalName: "na.li@example.com", mail: "na.li@example.com", employeeId: "E1003", accountEnabled: false),
        GraphUser(
            displayName: "Fang Chen", userPrincipalName: "fang.chen@example.com", mail: "f.chen@example.com",
            proxyAddresses: ["SMTP:f.chen@example.com", "smtp:fang.chen@example.com"], employeeId: "E1004"),
    ]

    func value(of property: String) -> [String] {
        switch property.lowercased() {
        case "id": [id]
        case "mail": mail.map { [$0] } ?? []
        case "userprincipalname": [userPrincipalName]
        case "employeeid": employeeId.map { [$0] } ?? []
        case "proxyaddresses": proxyAddresses
        default: []
        }
    }
}

/// The simulated tenant's app registration and limits.
public struct GraphSandboxConfiguration: Sendable {
    public var tenantID = "sandbox-tenant"
    public var clientID = "sandbox-graph-client"
    public var clientSecret = "sandbox-graph-client-secret"
    public var tokenSeconds = 3599.0
    /// Graph's throttling, simplified: at most this many user queries per 10 s, then 429 with `Retry-After`.
    public var requestsPer10Seconds = 200
    public var users: [GraphUser] = GraphUser.fixtures

    public init() {}
}

/// The Graph simulator's state: users, tokens it issued, queries admitted, scripted faults.
public actor SandboxGraph {
    public private(set) var configuration: GraphSandboxConfiguration
    private var users: [GraphUser]
    private var tokens: [String: Date] = [:]
    private var admitted: [ContinuousClock.Instant] = []
    /// Answers for the next user queries instead of the normal one: `(status, retryAfter)`.
    private var faults: [(status: Int, retryAfter: Int?)] = []
    public private(set) var userQueries = 0
    public private(set) var tokenRequests = 0

    public init(configuration: GraphSandboxConfiguration = .init()) {
        self.configuration = configuration
        self.users = configuration.users
    }

    public func add(_ user: GraphUser) {
        users.removeAll { $0.id == user.id }
        users.append(user)
    }

    public func inject(status: Int, retryAfter: Int?, count: Int) {
        faults += Array(repeating: (status, retryAfter), count: count)
    }

    func issueToken() -> (String, Double) {
        tokenRequests += 1
        let token = "graph-" + UUID().uuidString.lowercased()
        tokens[token] = Date().addingTimeInterval(configuration.tokenSeconds)
        return (token, configuration.tokenSeconds)
    }

    func tokenIsValid(_ token: String) -> Bool { (tokens[token] ?? .distantPast) > Date() }

    /// Every access token issued so far (for tests that check none reached a log line).
    public var issuedTokens: [String] { Array(tokens.keys) }

    public func expireTokens() { tokens = tokens.mapValues { _ in .distantPast } }

    /// Nil when admitted; the seconds to wait when over the limit.
    func admit() -> Int? {
        let now = ContinuousClock.now
        admitted.removeAll { now - $0 > .seconds(10) }
        guard admitted.count < configuration.requestsPer10Seconds else {
            let wait = (.seconds(10) - (now - admitted[0])).components.seconds + 1
            return Int(wait)
        }
        admitted.append(now)
        return nil
    }

    func nextFault() -> (status: Int, retryAfter: Int?)? { faults.isEmpty ? nil : faults.removeFirst() }

    func query(_ filter: GraphFilter) -> [GraphUser] {
        userQueries += 1
        return users.filter(filter.matches)
    }
}

/// The subset of OData `$filter` hirebind sends (and Graph supports on users): clauses joined by `or`, each
/// `property eq 'value'` or `proxyAddresses/any(x:x eq 'value')`. String comparisons are case-insensitive, as
/// Graph's are for these properties.
struct GraphFilter {
    struct Clause {
        var property: String
        var value: String
    }

    var clauses: [Clause]

    init?(_ text: String) {
        var clauses: [Clause] = []
        for part in text.components(separatedBy: " or ") {
            let part = part.trimmingCharacters(in: .whitespaces)
            let any = #"^proxyAddresses/any\((\w+):\1 eq '((?:[^']|'')*)'\)$"#
            let eq = #"^([A-Za-z_][A-Za-z0-9_/]*) eq '((?:[^']|'')*)'$"#
            if let match = part.firstMatch(of: try! Regex(any)) {
                clauses.append(
                    Clause(property: "proxyAddresses", value: String(match.output[2].substring ?? "").replacingOccurrences(of: "''", with: "'")))
            } else if let match = part.firstMatch(of: try! Regex(eq)) {
                let property = String(match.output[1].substring ?? "")
                guard ["id", "mail", "userprincipalname", "employeeid"].contains(property.lowercased()) else { return nil }
                clauses.append(Clause(property: property, value: String(match.output[2].substring ?? "").replacingOccurrences(of: "''", with: "'")))
            } else {
                return nil
            }
        }
        guard !clauses.isEmpty else { return nil }
        self.clauses = clauses
    }

    func matches(_ user: GraphUser) -> Bool {
        clauses.contains { clause in user.value(of: clause.property).contains { $0.lowercased() == clause.value.lowercased() } }
    }
}

extension FeishuSandbox {
    func addGraphRoutes<Context: RequestContext>(to router: Router<Context>) {
        // Entra ID's token endpoint, client credentials only.
        router.post("/:tenant/oauth2/v2.0/token") { request, context in
            var request = request
            let body = try await request.collectBody(upTo: Self.maximumBodyBytes)
            let form = Self.formFields(String(buffer: body))
            let settings = await self.graph.configuration
            guard context.parameters.get("tenant") == settings.tenantID else {
                return Self.entraError(.badRequest, "invalid_tenant", "AADSTS90002: Tenant '\(context.parameters.get("tenant") ?? "")' not found.")
            }
            guard form["grant_type"] == "client_credentials" else {
                return Self.entraError(.badRequest, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type.")
            }
            guard let scope = form["scope"], scope.hasSuffix("/.default") else {
                return Self.entraError(
                    .badRequest, "invalid_scope", "AADSTS1002012: The provided value for scope is not valid: use {resource}/.default.")
            }
            guard form["client_id"] == settings.clientID else {
                return Self.entraError(.badRequest, "unauthorized_client", "AADSTS700016: Application not found in the directory.")
            }
            guard form["client_secret"] == settings.clientSecret else {
                return Self.entraError(.unauthorized, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
            }
            let (token, seconds) = await self.graph.issueToken()
            return Self.plainJSON(.ok, ["token_type": "Bearer", "expires_in": Int(seconds), "ext_expires_in": Int(seconds), "access_token": token])
        }
        router.get("/v1.0/users") { request, _ in
            guard let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer "),
                await self.graph.tokenIsValid(String(authorization.dropFirst(7)))
            else {
                return Self.graphError(.unauthorized, "InvalidAuthenticationToken", "Access token is empty, expired or invalid.")
            }
            if let fault = await self.graph.nextFault() {
                var response = Self.graphError(
                    HTTPResponse.Status(code: fault.status), fault.status == 429 ? "TooManyRequests" : "ServiceNotAvailable",
                    fault.status == 429 ? "Too many requests." : "The service is unavailable.")
                if let after = fault.retryAfter { response.headers[HTTPField.Name("Retry-After")!] = "\(after)" }
                return response
            }
            if let wait = await self.graph.admit() {
                var response = Self.graphError(.tooManyRequests, "TooManyRequests", "Too many requests.")
                response.headers[HTTPField.Name("Retry-After")!] = "\(wait)"
                return response
            }
            let query = request.uri.queryParameters
            guard let text = query.get("$filter"), let filter = GraphFilter(text) else {
                return Self.graphError(
                    .badRequest, "Request_UnsupportedQuery", "Unsupported or invalid query filter clause specified for property of resource 'User'.")
            }
            if text.localizedCaseInsensitiveContains("extension"), request.headers[HTTPField.Name("ConsistencyLevel")!] != "eventual" {
                return Self.graphError(
                    .badRequest, "Request_UnsupportedQuery", "Extension properties need ConsistencyLevel: eventual and $count=true.")
            }
            let select = (query.get("$select") ?? "id,displayName,mail,userPrincipalName").split(separator: ",").map(String.init)
            let found = await self.graph.query(filter)
            let values: [[String: Any]] = found.map { user in
                var all: [String: Any] = [
                    "id": user.id, "displayName": user.displayName, "userPrincipalName": user.userPrincipalName, "mail": user.mail ?? NSNull(),
                    "proxyAddresses": user.proxyAddresses, "employeeId": user.employeeId ?? NSNull(), "accountEnabled": user.accountEnabled,
                ]
                all = all.filter { key, _ in key == "id" || select.contains(key) }
                return all
            }
            var answer: [String: Any] = ["@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users", "value": values]
            if query.get("$count") == "true" { answer["@odata.count"] = values.count }
            return Self.plainJSON(.ok, answer)
        }
        // Not Graph's: add or replace a user (a mailbox created after the hire), inject faults, expire tokens.
        router.post("/sandbox/graph/users") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: Self.maximumBodyBytes)
            guard let user = try? JSONDecoder().decode(GraphUser.self, from: Data(body.readableBytesView)) else {
                return Self.json(
                    .badRequest,
                    [
                        "error":
                            "send a user: {\"id\", \"displayName\", \"userPrincipalName\", \"mail\", \"proxyAddresses\", \"employeeId\", \"accountEnabled\"}"
                    ])
            }
            await self.graph.add(user)
            return Self.json(.ok, ["id": user.id])
        }
        router.post("/sandbox/graph/faults") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: Self.maximumBodyBytes)
            let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
            guard let status = object["status"] as? Int, (400...599).contains(status) else {
                return Self.json(.badRequest, ["error": "send {\"status\": 429|503|500, \"retry_after\": seconds, \"count\": n}"])
            }
            let count = object["count"] as? Int ?? 1
            await self.graph.inject(status: status, retryAfter: object["retry_after"] as? Int, count: count)
            return Self.json(.ok, ["queued": count])
        }
        router.get("/sandbox/graph/stats") { _, _ in
            Self.json(.ok, ["user_queries": await self.graph.userQueries, "token_requests": await self.graph.tokenRequests])
        }
    }

    static func formFields(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        return fields
    }

    static func entraError(_ status: HTTPResponse.Status, _ error: String, _ description: String) -> Response {
        plainJSON(
            status, ["error": error, "error_description": description, "error_codes": [Int(description.dropFirst(5).prefix { $0.isNumber }) ?? 0]])
    }

    static func graphError(_ status: HTTPResponse.Status, _ code: String, _ message: String) -> Response {
        plainJSON(status, ["error": ["code": code, "message": message, "innerError": ["request-id": UUID().uuidString.lowercased()]]])
    }

    /// A JSON answer without Feishu's log id header.
    static func plainJSON(_ status: HTTPResponse.Status, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
