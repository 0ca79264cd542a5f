// SandboxAuthRoutes: the sandbox's authorize page, OAuth token endpoint and tenant token.

import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The sandbox's identity endpoints: the authorize page, the OAuth token endpoint and the tenant token.
extension FeishuSandbox {
    public static let authorizePath = "/open-apis/authen/v1/authorize"
    public static let tokenPath = "/open-apis/authen/v2/oauth/token"
    public static let tenantTokenPath = "/open-apis/auth/v3/tenant_access_token/internal"

    func addAuthRoutes<Context: RequestContext>(to router: Router<Context>) {
        // Feishu shows a sign-in and consent page; the sandbox's user consents at once and is sent back.
        router.get(RouterPath(stringLiteral: Self.authorizePath)) { request, _ in
            let query = request.uri.queryParameters
            guard query.get("client_id") == configuration.appID else {
                return Self.json(.badRequest, ["code": 20029, "error": "invalid_client", "error_description": "unknown client_id"])
            }
            guard query.get("response_type") == "code", let redirect = query.get("redirect_uri"), var target = URLComponents(string: redirect),
                target.scheme != nil
            else {
                return Self.json(
                    .badRequest,
                    ["code": 20028, "error": "invalid_request", "error_description": "response_type=code and an absolute redirect_uri are required"])
            }
            let code = await state.issueCode(redirectURI: redirect + "|" + (query.get("scope") ?? ""), now: Date())
            target.queryItems =
                (target.queryItems ?? []) + [URLQueryItem(name: "code", value: code), URLQueryItem(name: "state", value: query.get("state") ?? "")]
            var headers = HTTPFields()
            headers[.location] = target.string ?? redirect
            return Response(status: .found, headers: headers)
        }
        router.post(RouterPath(stringLiteral: Self.tokenPath)) { request, _ in
            try await self.token(request)
        }
        router.post(RouterPath(stringLiteral: Self.tenantTokenPath)) { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: Self.maximumBodyBytes)
            await state.record(Self.recorded(request, body: body))
            let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
            guard object["app_id"] as? String == configuration.appID, object["app_secret"] as? String == configuration.appSecret else {
                return Self.json(.ok, ["code": 10014, "msg": "app secret invalid"])
            }
            let token = await state.issueTenantToken(seconds: configuration.tenantAccessTokenSeconds, now: Date())
            return Self.json(.ok, ["code": 0, "msg": "ok", "tenant_access_token": token, "expire": Int(configuration.tenantAccessTokenSeconds)])
        }
    }

    /// `POST /open-apis/authen/v2/oauth/token`: `authorization_code` or `refresh_token` grants; fields at the top level.
    func token(_ request: Request) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: Self.maximumBodyBytes)
        await state.record(Self.recorded(request, body: body))
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] else {
            return Self.oauthError(.badRequest, code: 20001, error: "invalid_request", "the body is not a JSON object")
        }
        guard object["client_id"] as? String == configuration.appID, object["client_secret"] as? String == configuration.appSecret else {
            return Self.oauthError(.badRequest, code: 20002, error: "invalid_client", "client_id or client_secret is wrong")
        }
        let now = Date()
        switch object["grant_type"] as? String {
        case "authorization_code":
            guard let code = object["code"] as? String, let issued = await state.redeemCode(code, now: now) else {
                return Self.oauthError(.badRequest, code: 20003, error: "invalid_grant", "the authorization code is invalid or expired")
            }
            let parts = issued.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard object["redirect_uri"] as? String == parts[0] else {
                return Self.oauthError(.badRequest, code: 20071, error: "invalid_grant", "redirect_uri does not match the authorization request")
            }
            let scope = parts.count > 1 ? parts[1] : ""
            return await grant(superAdmin: configuration.loginIsSuperAdmin, scope: scope, now: now)
        case "refresh_token":
            guard let refresh = object["refresh_token"] as? String else {
                return Self.oauthError(.badRequest, code: 20001, error: "invalid_request", "refresh_token is required")
            }
            let spent = await state.spendRefreshToken(refresh, now: now)
            if let code = spent.code {
                let description =
                    [
                        20026: "refresh token is invalid", 20037: "refresh token expired", 20064: "refresh token revoked",
                        20073: "refresh token has been used",
                    ][code] ?? "refresh refused"
                return Self.oauthError(.badRequest, code: code, error: "invalid_grant", description)
            }
            return await grant(superAdmin: spent.superAdmin, scope: "offline_access", now: now)
        default:
            return Self.oauthError(
                .badRequest, code: 20001, error: "unsupported_grant_type", "grant_type must be authorization_code or refresh_token")
        }
    }

    func grant(superAdmin: Bool, scope: String, now: Date) async -> Response {
        let withRefresh = scope.split(separator: " ").contains("offline_access")
        let tokens = await state.issueUserTokens(
            superAdmin: superAdmin, withRefresh: withRefresh, accessSeconds: configuration.userAccessTokenSeconds,
            refreshSeconds: configuration.refreshTokenSeconds, now: now
        )
        await state.retireAccessTokens(except: tokens.access, now: now)
        var answer: [String: Any] = [
            "code": 0, "access_token": tokens.access, "expires_in": Int(configuration.userAccessTokenSeconds), "token_type": "Bearer", "scope": scope,
        ]
        if let refresh = tokens.refresh {
            answer["refresh_token"] = refresh
            answer["refresh_token_expires_in"] = Int(configuration.refreshTokenSeconds)
        }
        return Self.json(.ok, answer)
    }

    static func oauthError(_ status: HTTPResponse.Status, code: Int, error: String, _ description: String) -> Response {
        json(status, ["code": code, "error": error, "error_description": description])
    }
}

/// `batch_get_id`, with a tenant token.
extension FeishuSandbox {
    public static let batchGetIDPath = "/open-apis/contact/v3/users/batch_get_id"

    func addContactRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.post(RouterPath(stringLiteral: Self.batchGetIDPath)) { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: Self.maximumBodyBytes)
            await state.record(Self.recorded(request, body: body))
            if let refusal = await rateLimited("batch_get_id") { return refusal }
            guard let token = Self.bearerToken(request) else {
                return Self.error(
                    .badRequest, code: 99991661, msg: "Missing access token for authorization. Please make a request with token attached.")
            }
            guard await state.tenantTokenValid(token, now: Date()) else {
                return Self.error(
                    .badRequest, code: 99991663, msg: "Invalid access token for authorization. Please make a request with token attached.")
            }
            let userIDType = request.uri.queryParameters.get("user_id_type") ?? "open_id"
            guard Self.userIDTypes.contains(userIDType) else {
                return Self.error(.badRequest, code: 99992402, msg: "field validation failed: user_id_type")
            }
            let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
            let emails = object["emails"] as? [String] ?? [], mobiles = object["mobiles"] as? [String] ?? []
            guard emails.count <= 50, mobiles.count <= 50, !(emails.isEmpty && mobiles.isEmpty) else {
                return Self.error(.badRequest, code: 99992402, msg: "field validation failed: 1-50 emails and at most 50 mobiles")
            }
            var list: [[String: Any]] = []
            for email in emails {
                var entry: [String: Any] = ["email": email]
                if let user = configuration.directory.first(where: { $0.email?.lowercased() == email.lowercased() }) {
                    entry["user_id"] = user.id(ofType: userIDType)
                }
                list.append(entry)
            }
            for mobile in mobiles {
                var entry: [String: Any] = ["mobile": mobile]
                if let user = configuration.directory.first(where: { $0.mobile == mobile }) { entry["user_id"] = user.id(ofType: userIDType) }
                list.append(entry)
            }
            return Self.json(.ok, ["code": 0, "msg": "success", "data": ["user_list": list]])
        }
    }
}

/// Not Feishu's: controls for dry runs and tests, under `/sandbox/`.
extension FeishuSandbox {
    func addControlRoutes<Context: RequestContext>(to router: Router<Context>) {
        // Scripted faults for the next calls: [{"error": {"http_status": 500, "code": 190003, "msg": "…"}},
        // {"non_json": 502}, {"delay_seconds": 3}, {"lost_response_seconds": 5}].
        router.post("/sandbox/faults") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: Self.maximumBodyBytes)
            guard let list = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [[String: Any]] else {
                return Self.json(.badRequest, ["error": "send a JSON array of faults"])
            }
            var faults: [SandboxFault] = []
            for item in list {
                guard let fault = SandboxFault(json: item) else {
                    return Self.json(
                        .badRequest, ["error": "unknown fault \(item.keys.sorted()): use error, non_json, delay_seconds or lost_response_seconds"])
                }
                faults.append(fault)
            }
            await state.inject(faults)
            return Self.json(.ok, ["queued": faults.count])
        }
        router.post("/sandbox/tokens/expire") { _, _ in
            await state.expireUserAccessTokens()
            return Self.json(.ok, ["expired": true])
        }
        router.post("/sandbox/tokens/revoke") { _, _ in
            await state.revokeRefreshTokens()
            return Self.json(.ok, ["revoked": true])
        }
    }
}

extension SandboxFault {
    init?(json item: [String: Any]) {
        if let error = item["error"] as? [String: Any], let status = error["http_status"] as? Int, let code = error["code"] as? Int {
            self = .error(httpStatus: status, code: code, msg: error["msg"] as? String ?? FeishuSandbox.documentedMessages[code] ?? "error")
        } else if let status = item["non_json"] as? Int {
            self = .nonJSON(httpStatus: status)
        } else if let seconds = item["delay_seconds"] as? Double {
            self = .delay(seconds: seconds)
        } else if let seconds = item["lost_response_seconds"] as? Double {
            self = .lostResponse(seconds: seconds)
        } else {
            return nil
        }
    }
}

extension FeishuSandbox {
    /// The messages of the exchange binding page's error table.
    static let documentedMessages: [Int: String] = [
        190002: "invalid parameters in request", 190003: "internal service error", 190004: "method rate limited",
        190005: "app rate limited", 190006: "wrong unit for app tenant", 190007: "app bot_id not found",
        190010: "current operation rate limited", 195100: "user is dismiss or not exist in the tenant",
        195101: "user is not supper administrator", 195102: "exchange_binding_id invalid",
        195103: "exchange account binding is not found", 195104: "current tenant not match",
        195105: "admin account binding failed", 195106: "admin account is not found",
    ]
}
