// FeishuOAuth: the authorization-code flow and the refresh of the rotating refresh token.

public import AsyncHTTPClient
public import Foundation
public import Logging
import NIOCore
import NIOHTTP1
public import Secrets

/// The OAuth 2 authorization-code flow of the open platform: the authorize URL a tenant super admin opens,
/// the code exchange, and the refresh of the single-use, rotating refresh token
/// (`POST /open-apis/authen/v2/oauth/token`).
public struct FeishuOAuth: Sendable {
    public static let tokenPath = "/open-apis/authen/v2/oauth/token"
    public static let authorizePath = "/open-apis/authen/v1/authorize"

    let httpClient: HTTPClient
    let hosts: FeishuHosts
    let appID: Secret
    let appSecret: Secret
    let timeout: TimeAmount
    let logger: Logger

    public init(httpClient: HTTPClient, hosts: FeishuHosts, appID: Secret, appSecret: Secret, timeoutSeconds: Double, logger: Logger) {
        self.httpClient = httpClient
        self.hosts = hosts
        self.appID = appID
        self.appSecret = appSecret
        self.timeout = .milliseconds(Int64(timeoutSeconds * 1000))
        self.logger = logger
    }

    /// The page the admin opens to sign in and consent; Feishu then redirects to `redirectURI` with `code` and `state`.
    public func authorizeURL(redirectURI: String, scopes: [String], state: String) -> String {
        let query = [
            ("client_id", appID.value), ("response_type", "code"), ("redirect_uri", redirectURI),
            ("scope", scopes.joined(separator: " ")), ("state", state),
        ]
        return hosts.accountsURL + Self.authorizePath + "?"
            + query.map { "\($0.0)=\(FeishuClient.percentEncodePathSegment($0.1))" }.joined(separator: "&")
    }

    /// Exchanges the code the redirect carried for a token pair.
    public func exchange(code: String, redirectURI: String, now: Date = Date()) async throws(OAuthError) -> OAuthTokenPair {
        try await tokenRequest(
            [
                "grant_type": "authorization_code", "client_id": appID.value, "client_secret": appSecret.value,
                "code": code, "redirect_uri": redirectURI,
            ], now: now)
    }

    /// Uses the refresh token (once: it is single-use) for a new pair. Store the new pair before using it.
    public func refresh(_ refreshToken: Secret, now: Date = Date()) async throws(OAuthError) -> OAuthTokenPair {
        try await tokenRequest(
            [
                "grant_type": "refresh_token", "client_id": appID.value, "client_secret": appSecret.value,
                "refresh_token": refreshToken.value,
            ], now: now)
    }

    func tokenRequest(_ fields: [String: String], now: Date) async throws(OAuthError) -> OAuthTokenPair {
        let reply: JSONPost.Reply<TokenAnswer>
        do {
            reply = try await JSONPost.send(fields, to: hosts.openBaseURL + Self.tokenPath, httpClient: httpClient, timeout: timeout, logger: logger)
        } catch {
            throw OAuthError(code: nil, httpStatus: nil, description: "cannot reach the token endpoint: \(error)")
        }
        let status = reply.status
        guard let answer = reply.answer else {
            throw OAuthError(code: nil, httpStatus: status, description: "the token endpoint answered HTTP \(status) without its JSON body")
        }
        guard answer.code == 0, let access = answer.accessToken, let expiresIn = answer.expiresIn else {
            throw OAuthError(
                code: answer.code == 0 ? nil : answer.code, httpStatus: status,
                description: answer.errorDescription ?? answer.error ?? answer.msg ?? "the token endpoint answered without a token"
            )
        }
        return OAuthTokenPair(
            accessToken: Secret(access), accessExpiresAt: now.addingTimeInterval(expiresIn),
            refreshToken: answer.refreshToken.map(Secret.init),
            refreshExpiresAt: answer.refreshToken == nil ? nil : now.addingTimeInterval(answer.refreshTokenExpiresIn ?? 0),
            scope: answer.scope
        )
    }

    /// The token endpoint's fields, at the top level of its JSON.
    struct TokenAnswer: Decodable {
        var code: Int
        var msg: String?
        var error: String?
        var errorDescription: String?
        var accessToken: String?
        var expiresIn: Double?
        var refreshToken: String?
        var refreshTokenExpiresIn: Double?
        var scope: String?

        enum CodingKeys: String, CodingKey {
            case code, msg, error, scope
            case errorDescription = "error_description"
            case accessToken = "access_token"
            case expiresIn = "expires_in"
            case refreshToken = "refresh_token"
            case refreshTokenExpiresIn = "refresh_token_expires_in"
        }
    }
}

/// The token endpoint refused or could not be reached. Never carries a token or the app secret.
public struct OAuthError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The platform's code (20026 …), when it answered with one.
    public var code: Int?
    public var httpStatus: Int?
    public var description: String

    public init(code: Int?, httpStatus: Int?, description: String) {
        self.code = code
        self.httpStatus = httpStatus
        self.description = description
    }

    /// Codes after which the refresh token can never be used again: a person must log in again.
    public static let deadRefreshTokenCodes: [Int: String] = [
        20026: "the refresh token is invalid",
        20037: "the refresh token expired",
        20064: "the refresh token was revoked",
        20073: "the refresh token was already used (single-use; another client refreshed with it)",
        20074: "refreshing is disabled in the app's security settings",
    ]

    /// True when trying again later can help (the platform's 20050 / 20072, a 5xx, no answer).
    public var isTransient: Bool {
        guard let code else { return httpStatus.map { $0 >= 500 || $0 == 429 } ?? true }
        return code == 20050 || code == 20072 || (httpStatus ?? 0) >= 500
    }

    /// The failure as jobs, logs and `/readyz` show it.
    public var failure: FeishuFailure {
        let code = self.code.map { "oauth_\($0)" } ?? "oauth"
        if let known = self.code.flatMap({ Self.deadRefreshTokenCodes[$0] }) {
            return FeishuFailure(
                code: code, message: known, hint: "A tenant super admin must log in again to store a new token pair.",
                needsLogin: true
            )
        }
        if isTransient {
            return FeishuFailure(code: code, message: "the token endpoint failed: \(description)", hint: "hirebind retries the refresh.")
        }
        return FeishuFailure(
            code: code, message: "the token endpoint refused: \(description)",
            hint: "Check feishu.app_id and feishu.app_secret, then log in again.", needsLogin: true
        )
    }
}
