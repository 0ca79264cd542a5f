// FeishuLogin: `hirebind feishu login`: the authorize URL, the redirect listener, the code exchanged and stored.

public import AsyncHTTPClient
import FeishuAPI
import Foundation
import HTTPTypes
public import HireBindCore
import Hummingbird
public import JobStore
public import Logging
import NIOCore

/// `hirebind feishu login`: the OAuth authorization-code flow, run once by a tenant super admin. Prints the
/// authorize URL, receives the code on a local redirect listener (or takes it by hand), exchanges it and
/// stores the token pair, which the service refreshes from then on.
public struct FeishuLogin: Sendable {
    let settings: FeishuSettings
    let oauth: FeishuOAuth
    let store: any UserTokenStore
    let logger: Logger

    public init(settings: FeishuSettings, app: FeishuAppCredentials, store: any UserTokenStore, httpClient: HTTPClient, logger: Logger) {
        self.settings = settings
        self.oauth = FeishuOAuth(
            httpClient: httpClient, hosts: settings.hosts, appID: app.appID, appSecret: app.appSecret,
            timeoutSeconds: settings.timeoutSeconds, logger: logger
        )
        self.store = store
        self.logger = logger
    }

    /// A fresh `state` value, bound to this login attempt.
    public static func newState() -> String {
        (0..<2).map { _ in String(UInt64.random(in: 0...UInt64.max), radix: 16) }.joined()
    }

    /// Feishu's authorization page; it sends the browser back to `redirectURI` (by default `feishu.oauth.redirect_uri`,
    /// the CLI's listener; the console passes its own callback).
    public func authorizeURL(state: String, redirectURI: String? = nil) -> String {
        oauth.authorizeURL(redirectURI: redirectURI ?? settings.oauth.redirectURI, scopes: settings.oauth.requestedScopes, state: state)
    }

    /// Exchanges the code (issued for `redirectURI`, as in ``authorizeURL(state:redirectURI:)``) and stores the pair
    /// (replacing a dead one).
    public func complete(code: String, redirectURI: String? = nil) async throws -> StoredUserToken {
        let pair = UserTokenPair(try await oauth.exchange(code: code, redirectURI: redirectURI ?? settings.oauth.redirectURI))
        guard pair.refreshToken != nil else {
            throw LoginError("Feishu issued no refresh token: add offline_access to the app's scopes and to feishu.oauth.scopes, then log in again")
        }
        return try await store.saveUserToken(pair, now: Date())
    }

    /// Listens on the redirect URI's host and port until Feishu redirects the browser there with the code
    /// (checking `state`), or `timeout` passes. `onListening` runs once the listener is up.
    public func receiveCode(state: String, timeout: Duration, onListening: @escaping @Sendable () async -> Void = {}) async throws -> String {
        guard let redirect = URLComponents(string: settings.oauth.redirectURI), let host = redirect.host, let port = redirect.port else {
            throw LoginError("feishu.oauth.redirect_uri must be an absolute URL with a port")
        }
        let path = redirect.path.isEmpty ? "/" : redirect.path
        let (codes, continuation) = AsyncStream.makeStream(of: Result<String, LoginError>.self)
        let router = Router()
        router.get(RouterPath(stringLiteral: path)) { request, _ in
            let query = request.uri.queryParameters
            if let error = query.get("error") {
                continuation.yield(.failure(LoginError("Feishu answered the authorization with \(error)")))
                return Self.page("The authorization was refused (\(error)). You can close this tab.")
            }
            guard query.get("state") == state, let code = query.get("code"), !code.isEmpty else {
                return Self.page("This link does not belong to the running `hirebind feishu login`.", status: .badRequest)
            }
            continuation.yield(.success(code))
            return Self.page("hirebind received the authorization. You can close this tab.")
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "hirebind-login"),
            onServerRunning: { _ in await onListening() }, logger: logger
        )
        // The listener runs until a code arrives or the time is up, then shuts down gracefully.
        return try await withRunningServices([app], logger: logger) { _ in
            try await withThrowingTaskGroup(of: String?.self) { group in
                group.addTask {
                    for await result in codes { return try result.get() }
                    return nil
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw LoginError("no redirect arrived within \(timeout); run the login again, or pass the code with --code")
                }
                defer { group.cancelAll() }
                while let next = try await group.next() {
                    if let code = next { return code }
                }
                throw LoginError("the redirect listener stopped before a code arrived")
            }
        }
    }

    static func page(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        let html = "<!doctype html><html><body><p>\(text)</p></body></html>"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

/// A login that could not be completed; the message says what to do.
public struct LoginError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
