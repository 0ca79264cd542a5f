// TenantAccessTokens: the app's tenant_access_token, cached and renewed before it expires.

public import AsyncHTTPClient
public import Foundation
public import Logging
import NIOCore
import NIOHTTP1
public import Secrets

/// The app's `tenant_access_token` (`POST /open-apis/auth/v3/tenant_access_token/internal`), cached and
/// renewed when less than `renewWithin` is left; one renewal at a time.
public actor TenantAccessTokens {
    public static let path = "/open-apis/auth/v3/tenant_access_token/internal"

    let httpClient: HTTPClient
    let baseURL: String
    let appID: Secret
    let appSecret: Secret
    let timeout: TimeAmount
    let renewWithin: TimeInterval
    let logger: Logger
    private var cached: (token: Secret, expiresAt: Date)?
    private let renewal = SingleFlight<Secret>()

    public init(
        httpClient: HTTPClient, hosts: FeishuHosts, appID: Secret, appSecret: Secret, timeoutSeconds: Double,
        renewWithin: TimeInterval = 1800, logger: Logger
    ) {
        self.httpClient = httpClient
        self.baseURL = hosts.openBaseURL
        self.appID = appID
        self.appSecret = appSecret
        self.timeout = .milliseconds(Int64(timeoutSeconds * 1000))
        self.renewWithin = renewWithin
        self.logger = logger
    }

    /// A token with more than `renewWithin` left, fetched when needed.
    public func token(now: Date = Date()) async throws(FeishuCallError) -> Secret {
        if let cached, cached.expiresAt.timeIntervalSince(now) > renewWithin { return cached.token }
        return try await renew()
    }

    /// Drops `token` after Feishu refused it, and fetches another.
    public func refused(_ token: Secret) async throws(FeishuCallError) -> Secret {
        if cached?.token == token { cached = nil }
        return try await self.token()
    }

    func renew() async throws(FeishuCallError) -> Secret {
        try await renewal.run({ try await self.fetch() }) { error in .transport("\(error)") }
    }

    func fetch() async throws(FeishuCallError) -> Secret {
        let now = Date()
        let reply: JSONPost.Reply<Answer>
        do {
            reply = try await JSONPost.send(
                ["app_id": appID.value, "app_secret": appSecret.value], to: baseURL + Self.path, httpClient: httpClient, timeout: timeout,
                logger: logger
            )
        } catch {
            throw .transport("cannot fetch a tenant_access_token: \(error)")
        }
        let status = reply.status
        guard let answer = reply.answer else { throw .unexpectedResponse(httpStatus: status, logID: reply.logID) }
        guard answer.code == 0, let token = answer.tenantAccessToken, let expire = answer.expire else {
            if status >= 500 {
                throw .api(code: answer.code, message: answer.msg ?? "", httpStatus: status, logID: reply.logID)
            }
            throw .operatorNeeded(
                code: "tenant_token_\(answer.code)", message: "Feishu refused the app credentials: \(answer.msg ?? "no message")",
                hint: "Check feishu.app_id and feishu.app_secret (and that the app is enabled in the tenant); jobs wait until then."
            )
        }
        let secret = Secret(token)
        cached = (secret, now.addingTimeInterval(expire))
        logger.debug("tenant_access_token renewed", metadata: ["expires_in_seconds": "\(Int(expire))"])
        return secret
    }

    struct Answer: Decodable {
        var code: Int
        var msg: String?
        var tenantAccessToken: String?
        var expire: Double?

        enum CodingKeys: String, CodingKey {
            case code, msg, expire
            case tenantAccessToken = "tenant_access_token"
        }
    }
}

extension TenantAccessTokens {
    /// Runs `call` with the tenant token; when Feishu refuses it as invalid, once more with a fresh one.
    public func calling<T>(_ call: (Secret) async throws(FeishuCallError) -> T) async throws(FeishuCallError) -> T {
        let token = try await token()
        do throws(FeishuCallError) {
            return try await call(token)
        } catch  where error.errorClass == .refreshThenRetry {
            return try await call(try await refused(token))
        }
    }
}
