// HRAPIDouble: a small HR system's API over loopback: people by id, API-key, Basic or OAuth2 client-credentials sign-in, faults.

import DryRun
public import Foundation
import HTTPTypes
import HireBind
import Hummingbird
public import Logging
import NIOCore

/// A stand-in for an HR system's REST API, for the id-only flow: a GET or POST whose last path segment is an id
/// (`/v1/employees/{id}`, `/v1/people/{id}`, `/v2/persons/{id}`; or `POST /v1/people/search` with `{"id": …}`)
/// answers a person from `people`, 404 for anyone else. Requests are
/// checked as `auth` says; `POST /oauth/token` runs the client-credentials grant, issuing short tokens it can
/// revoke. Faults (`failNext`) answer a status before the real answer, one per request, with `Retry-After: 1`
/// on a 429. Every request is recorded.
public actor HRAPIDouble {
    public enum Auth: Sendable {
        case bearer(String)
        case basic(username: String, password: String)
        case oauth2(clientID: String, clientSecret: String, expiresIn: Int)
    }

    public struct Seen: Sendable {
        public var method: String
        public var path: String
        public var authorization: String?
        public var body: String
    }

    public let auth: Auth
    /// Each person's answer, as JSON.
    public var people: [String: Data] = [:]
    /// Statuses answered to the next person requests, one each, before the real answer.
    public var failNext: [Int] = []
    public private(set) var seen: [Seen] = []
    public private(set) var tokensIssued = 0
    private var liveTokens: Set<String> = []

    public init(auth: Auth) {
        self.auth = auth
    }

    public func add(_ id: String, _ person: [String: any Sendable]) { people[id] = try? JSONSerialization.data(withJSONObject: person) }
    public func add(_ id: String, json: Data) { people[id] = json }
    public func fail(next statuses: [Int]) { failNext = statuses }
    /// Every issued token stops working, as when the HR system rotates its keys.
    public func revokeTokens() { liveTokens = [] }
    public func personRequests() -> [Seen] { seen.filter { !$0.path.hasPrefix("/oauth") } }

    func record(_ seen: Seen) { self.seen.append(seen) }

    func issueToken(form: [String: String], authorization: String?) -> (Int, [String: any Sendable]) {
        guard case .oauth2(let clientID, let clientSecret, let expiresIn) = auth else { return (404, ["error": "not_found"]) }
        var id = form["client_id"], secret = form["client_secret"]
        if let authorization, authorization.hasPrefix("Basic "),
            let decoded = Data(base64Encoded: String(authorization.dropFirst(6))).map({ String(decoding: $0, as: UTF8.self) }),
            let colon = decoded.firstIndex(of: ":")
        {
            id = String(decoded[..<colon]).removingPercentEncoding
            secret = String(decoded[decoded.index(after: colon)...]).removingPercentEncoding
        }
        guard form["grant_type"] == "client_credentials" else { return (400, ["error": "unsupported_grant_type"]) }
        guard id == clientID, secret == clientSecret else {
            return (401, ["error": "invalid_client", "error_description": "client authentication failed"])
        }
        tokensIssued += 1
        let token = "hr-token-\(tokensIssued)-\(UUID().uuidString)"
        liveTokens.insert(token)
        return (200, ["access_token": token, "token_type": "Bearer", "expires_in": expiresIn])
    }

    func authorized(_ header: String?) -> Bool {
        guard let header else { return false }
        switch auth {
        case .bearer(let token): return header == "Bearer \(token)"
        case .basic(let username, let password): return header == "Basic \(Data("\(username):\(password)".utf8).base64EncodedString())"
        case .oauth2: return header.hasPrefix("Bearer ") && liveTokens.contains(String(header.dropFirst(7)))
        }
    }

    /// The answer to a person request: a fault, 401, the person, or 404.
    func answer(id: String, authorization: String?) -> (Int, Data) {
        func error(_ text: String) -> Data { Data(#"{"error": "\#(text)"}"#.utf8) }
        if !failNext.isEmpty {
            let status = failNext.removeFirst()
            return (status, error("injected fault \(status)"))
        }
        guard authorized(authorization) else { return (401, error("unauthorized")) }
        guard let person = people[id] else { return (404, error("no such employee")) }
        return (200, person)
    }

    /// The API on a free loopback port, for as long as `body` runs; `body` gets its base URL.
    public nonisolated func with<Result: Sendable>(logger: Logger, _ body: @Sendable (String) async throws -> Result) async throws -> Result {
        let port = PortAnnouncement()
        let router = Router()
        router.post("/oauth/token") { request, _ in
            var request = request
            let text = String(buffer: try await request.collectBody(upTo: 1 << 16))
            var form: [String: String] = [:]
            for pair in text.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
                if parts.count == 2 { form[parts[0]] = parts[1] }
            }
            let authorization = request.headers[.authorization]
            await self.record(Seen(method: "POST", path: "/oauth/token", authorization: authorization, body: text))
            let (status, json) = await self.issueToken(form: form, authorization: authorization)
            return Self.response(status, (try? JSONSerialization.data(withJSONObject: json)) ?? Data())
        }
        // Any other path names the person by its last segment: GET /v1/employees/{id}, POST /v1/people/{id}, …
        @Sendable func person(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
            var request = request
            let text = String(buffer: try await request.collectBody(upTo: 1 << 16))
            let authorization = request.headers[.authorization]
            let path = request.uri.path
            await self.record(Seen(method: "\(request.method)", path: path, authorization: authorization, body: text))
            if path == "/v1/people/search" {
                let id = ((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any])?["id"] as? String ?? ""
                let (status, json) = await self.answer(id: id, authorization: authorization)
                return Self.response(status, status == 200 ? Data(#"{"employees": ["#.utf8) + json + Data("]}".utf8) : json)
            }
            let id = path.split(separator: "/").last.map { String($0).removingPercentEncoding ?? String($0) } ?? ""
            let (status, json) = await self.answer(id: id, authorization: authorization)
            return Self.response(status, json)
        }
        router.get("/**", use: person)
        router.post("/**", use: person)
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "hr-api-double"),
            onServerRunning: { channel in port.announce(channel.localAddress?.port ?? 0) }, logger: logger)
        return try await withRunningServices([application], logger: logger) { _ in
            try await body("http://127.0.0.1:\(await port.port()!)")
        }
    }

    static func response(_ status: Int, _ data: Data) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if status == 429 { headers[.retryAfter] = "1" }
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
