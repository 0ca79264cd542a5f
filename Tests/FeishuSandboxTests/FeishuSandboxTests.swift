// FeishuSandboxTests: the sandbox over real HTTP on a loopback port.

import AsyncHTTPClient
import DryRun
import FeishuSandbox
import Foundation
import HireBind
import Logging
import NIOCore
import NIOHTTP1
import Testing

/// The sandbox over real HTTP on a loopback port.
@Suite struct FeishuSandboxTests {
    static let token = "u-super-admin"
    let logger = Logger(label: "sandbox-test")

    func withSandbox(
        _ configuration: SandboxConfiguration = SandboxConfiguration(
            superAdminTokens: [token], memberTokens: ["u-member"], adminAccounts: ["admin@example.com"], usersNotInTenant: ["ou_gone"],
            syncSeconds: 0.2),
        _ body: (FeishuSandbox, String) async throws -> Void
    ) async throws {
        let sandbox = FeishuSandbox(configuration: configuration)
        let port = PortAnnouncement()
        try await withRunningServices(
            [sandbox.application(host: "127.0.0.1", port: 0, logger: logger, onServerRunning: port.announce)], logger: logger
        ) { _ in
            try await body(sandbox, "http://127.0.0.1:\(await port.port()!)")
        }
    }

    struct Answer {
        var status: Int
        var json: [String: Any]
        var logID: String?
        var code: Int? { json["code"] as? Int }
        var data: [String: Any]? { json["data"] as? [String: Any] }
    }

    func send(
        _ method: HTTPMethod, _ url: String, token: String? = Self.token, contentType: String? = "application/json; charset=utf-8", body: Any? = nil
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let json = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
        return Answer(status: Int(response.status.code), json: json, logID: response.headers.first(name: "X-Tt-Logid"))
    }

    static let body = ["admin_account": "admin@example.com", "exchange_account": "wei.zhang@example.com", "user_id": "ou_1"]

    @Test func createAnswersAsTheSeedDocuments() async throws {
        try await withSandbox { sandbox, base in
            let answer = try await send(.POST, base + "/open-apis/calendar/v4/exchange_bindings?user_id_type=open_id", body: Self.body)
            #expect(answer.status == 200)
            #expect(answer.code == 0)
            #expect(answer.json["msg"] as? String == "success")
            #expect(answer.logID?.isEmpty == false)
            let data = try #require(answer.data)
            #expect(data["admin_account"] as? String == "admin@example.com")
            #expect(data["exchange_account"] as? String == "wei.zhang@example.com")
            #expect(data["user_id"] as? String == "ou_1")
            #expect(data["status"] as? String == "doing")
            let id = try #require(data["exchange_binding_id"] as? String)
            #expect(Data(base64Encoded: id).map { String(decoding: $0, as: UTF8.self) } == "admin@example.com wei.zhang@example.com")
            #expect(await sandbox.state.allBindings().count == 1)
        }
    }

    @Test func seedExampleIdMatches() {
        #expect(
            FeishuSandbox.bindingID(adminAccount: "email_admin_example@outlook.com", exchangeAccount: "email_account_example@outlook.com")
                == "ZW1haWxfYWRtaW5fZXhhbXBsZUBvdXRsb29rLmNvbSBlbWFpbF9hY2NvdW50X2V4YW1wbGVAb3V0bG9vay5jb20=")
    }

    @Test func getFollowsTheSyncAndHandlesEncodedIds() async throws {
        try await withSandbox { _, base in
            // This pair's id contains '/' and '=' which must be percent-encoded in the path.
            let body = ["admin_account": "admin@example.com", "exchange_account": "a?b@example.com", "user_id": "ou_1"]
            let created = try await send(.POST, base + "/open-apis/calendar/v4/exchange_bindings", body: body)
            let id = try #require(created.data?["exchange_binding_id"] as? String)
            let encoded = id.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let first = try await send(.GET, base + "/open-apis/calendar/v4/exchange_bindings/\(encoded)?user_id_type=open_id")
            #expect(first.code == 0)
            #expect(first.data?["exchange_binding_id"] as? String == id)
            try await Task.sleep(for: .milliseconds(250))
            let later = try await send(.GET, base + "/open-apis/calendar/v4/exchange_bindings/\(encoded)")
            #expect(later.data?["status"] as? String == "done")
        }
    }

    @Test func documentedErrorsAreReachable() async throws {
        try await withSandbox { _, base in
            let url = base + "/open-apis/calendar/v4/exchange_bindings"
            var missing = try await send(.POST, url, token: nil, body: Self.body)
            #expect((missing.status, missing.code) == (400, 99991661))
            missing = try await send(.POST, url, token: "u-unknown", body: Self.body)
            #expect((missing.status, missing.code) == (401, 99991668))
            let member = try await send(.POST, url, token: "u-member", body: Self.body)
            #expect((member.status, member.code) == (403, 195101))
            var gone = Self.body
            gone["user_id"] = "ou_gone"
            let left = try await send(.POST, url, body: gone)
            #expect((left.status, left.code) == (404, 195100))
            var unknownAdmin = Self.body
            unknownAdmin["admin_account"] = "nobody@example.com"
            let admin = try await send(.POST, url, body: unknownAdmin)
            #expect((admin.status, admin.code) == (404, 195106))
            let malformed = try await send(.GET, url + "/not-base64!!")
            #expect((malformed.status, malformed.code) == (400, 195102))
            let unknown = try await send(.GET, url + "/" + FeishuSandbox.bindingID(adminAccount: "a@x.com", exchangeAccount: "b@x.com"))
            #expect((unknown.status, unknown.code) == (404, 195103))
        }
    }

    @Test(arguments: ["admin_account", "exchange_account", "user_id"])
    func fieldsAreValidated(field: String) async throws {
        try await withSandbox { _, base in
            let url = base + "/open-apis/calendar/v4/exchange_bindings"
            for bad in [String(repeating: "x", count: 501), ""] {
                var body = Self.body
                body[field] = bad
                let answer = try await send(.POST, url, body: body)
                #expect((answer.status, answer.code) == (400, 190002))
                #expect((answer.json["msg"] as? String)?.contains(field) == true)
            }
            var body = Self.body
            body[field] = String(repeating: "x", count: 500) + (field == "exchange_account" ? "" : "")
            if field == "user_id" {
                let answer = try await send(.POST, url, body: body)
                #expect(answer.code == 0)
            }
        }
    }

    @Test func contentTypeAndUserIdTypeAreValidated() async throws {
        try await withSandbox { _, base in
            let url = base + "/open-apis/calendar/v4/exchange_bindings"
            let text = try await send(.POST, url, contentType: "text/plain", body: Self.body)
            #expect((text.status, text.code) == (400, 190002))
            let idType = try await send(.POST, url + "?user_id_type=email", body: Self.body)
            #expect((idType.status, idType.code) == (400, 190002))
        }
    }

    @Test func faultsAreInjectedInOrder() async throws {
        try await withSandbox { sandbox, base in
            await sandbox.state.inject([.error(httpStatus: 500, code: 190003, msg: "internal service error"), .nonJSON(httpStatus: 502)])
            let url = base + "/open-apis/calendar/v4/exchange_bindings"
            let first = try await send(.POST, url, body: Self.body)
            #expect((first.status, first.code) == (500, 190003))
            let second = try await send(.POST, url, body: Self.body)
            #expect(second.status == 502)
            #expect(second.json.isEmpty)
            let third = try await send(.POST, url, body: Self.body)
            #expect(third.code == 0)
            #expect(await sandbox.state.receivedRequests().count == 3)
        }
    }

    @Test func refreshTokensAreSingleUseAndRotate() async throws {
        try await withSandbox { sandbox, base in
            let app = ["client_id": "cli_sandbox_app", "client_secret": "sandbox-app-secret"]
            // The authorize page consents at once and redirects with a code.
            var authorize = HTTPClientRequest(
                url: base
                    + "/open-apis/authen/v1/authorize?client_id=cli_sandbox_app&response_type=code&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Fcb&scope=offline_access&state=s1"
            )
            authorize.method = .GET
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
            let redirect = try await client.execute(authorize, timeout: .seconds(5))
            try await client.shutdown()
            #expect(redirect.status == .found)
            let location = try #require(redirect.headers.first(name: "Location").flatMap(URLComponents.init(string:)))
            #expect(location.queryItems?.first { $0.name == "state" }?.value == "s1")
            let code = try #require(location.queryItems?.first { $0.name == "code" }?.value)

            let tokenURL = base + "/open-apis/authen/v2/oauth/token"
            let first = try await send(
                .POST, tokenURL, token: nil,
                body: app.merging(["grant_type": "authorization_code", "code": code, "redirect_uri": "http://127.0.0.1:1/cb"]) { $1 })
            #expect(first.code == 0)
            let refresh = try #require(first.json["refresh_token"] as? String)
            #expect(first.json["expires_in"] as? Int == 7200)
            #expect(first.json["refresh_token_expires_in"] as? Int == 604_800)
            let reused = try await send(
                .POST, tokenURL, token: nil,
                body: app.merging(["grant_type": "authorization_code", "code": code, "redirect_uri": "http://127.0.0.1:1/cb"]) { $1 })
            #expect(reused.code != 0)

            let second = try await send(
                .POST, tokenURL, token: nil, body: app.merging(["grant_type": "refresh_token", "refresh_token": refresh]) { $1 })
            #expect(second.code == 0)
            #expect(second.json["refresh_token"] as? String != refresh)
            let again = try await send(
                .POST, tokenURL, token: nil, body: app.merging(["grant_type": "refresh_token", "refresh_token": refresh]) { $1 })
            #expect(again.code == 20073)
            let unknown = try await send(
                .POST, tokenURL, token: nil, body: app.merging(["grant_type": "refresh_token", "refresh_token": "ur-nope"]) { $1 })
            #expect(unknown.code == 20026)

            // The new access token binds; once expired it answers 99991677.
            let access = try #require(second.json["access_token"] as? String)
            let created = try await send(.POST, base + FeishuSandbox.bindingsPath, token: access, body: Self.body)
            #expect(created.code == 0)
            await sandbox.state.expireUserAccessTokens()
            let expired = try await send(.POST, base + FeishuSandbox.bindingsPath, token: access, body: Self.body)
            #expect(expired.code == 99991677)
            #expect(expired.status == 401)
        }
    }

    @Test func faultsCanBeQueuedOverHTTP() async throws {
        try await withSandbox { _, base in
            let queued = try await send(
                .POST, base + "/sandbox/faults", token: nil,
                body: [
                    ["error": ["http_status": 403, "code": 195104]], ["error": ["http_status": 403, "code": 195105]], ["non_json": 502],
                ])
            #expect(queued.json["queued"] as? Int == 3)
            let tenant = try await send(.POST, base + FeishuSandbox.bindingsPath, body: Self.body)
            #expect(tenant.code == 195104)
            #expect(tenant.json["msg"] as? String == "current tenant not match")
            #expect(try await send(.POST, base + FeishuSandbox.bindingsPath, body: Self.body).code == 195105)
            #expect(try await send(.POST, base + FeishuSandbox.bindingsPath, body: Self.body).status == 502)
            let bad = try await send(.POST, base + "/sandbox/faults", token: nil, body: [["explode": true]])
            #expect(bad.status == 400)
        }
    }

    @Test func deleteIsAuthorisedAndValidated() async throws {
        try await withSandbox { _, base in
            let created = try await send(.POST, base + FeishuSandbox.bindingsPath, body: Self.body)
            let id = try #require(created.data?["exchange_binding_id"] as? String)
            let path = base + FeishuSandbox.bindingsPath + "/" + id.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            #expect(try await send(.DELETE, path, token: "u-member").code == 195101)
            #expect(try await send(.DELETE, path, token: nil).code == 99991661)
            #expect(try await send(.DELETE, base + FeishuSandbox.bindingsPath + "/not-base64").code == 195102)
            #expect(try await send(.DELETE, path).code == 0)
            #expect(try await send(.DELETE, path).code == 195103)
        }
    }
}
