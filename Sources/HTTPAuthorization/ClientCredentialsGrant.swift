// ClientCredentialsGrant: an OAuth 2.0 client-credentials access token (RFC 6749 §4.4), fetched once and shared.

public import AsyncHTTPClient
import Foundation
public import Logging
import NIOCore
import NIOHTTP1
public import Secrets

/// Why no access token could be had.
public enum ClientCredentialsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The token endpoint refused the client (400 such as `invalid_client`, 401, 403): an operator must fix the credentials.
    case refused(String)
    /// The endpoint could not be reached or answered something else; trying again later may work.
    case unavailable(String, retryAfter: Double?)

    public var description: String {
        switch self {
        case .refused(let reason): "the token endpoint refused the client credentials: \(reason)"
        case .unavailable(let reason, _): "no access token: \(reason)"
        }
    }
}

/// One client's access token from a token endpoint, shared by concurrent callers: one request at a time, renewed
/// before it expires (five minutes early, or halfway through a short-lived token), forgotten when a resource
/// server refuses it. The secret goes only into the token request's form body, never into a log or an error.
public actor ClientCredentialsGrant {
    public struct Configuration: Sendable {
        public var tokenURL: String
        public var clientID: String
        public var clientSecret: Secret
        /// Space-separated scopes; nil sends none.
        public var scope: String?
        /// Where the client's credentials go: the form body (`client_secret_post`, the default) or a Basic header.
        public var sendsBasicHeader: Bool
        public var timeoutSeconds: Double

        public init(
            tokenURL: String, clientID: String, clientSecret: Secret, scope: String? = nil, sendsBasicHeader: Bool = false,
            timeoutSeconds: Double = 10
        ) {
            self.tokenURL = tokenURL
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.scope = scope
            self.sendsBasicHeader = sendsBasicHeader
            self.timeoutSeconds = timeoutSeconds
        }
    }

    public let configuration: Configuration
    let httpClient: HTTPClient
    let logger: Logger
    private var cached: (token: Secret, renewAt: Date)?
    private var inFlight: Task<(Secret, expiresIn: Double), any Error>?
    /// Tokens fetched so far, for tests and metrics.
    public private(set) var fetches = 0

    public init(configuration: Configuration, httpClient: HTTPClient, logger: Logger) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
    }

    /// The cached token, or a new one; callers arriving while a request is in flight share its answer.
    public func token() async throws(ClientCredentialsError) -> Secret {
        if let cached, cached.renewAt > Date() { return cached.token }
        let task = inFlight ?? Task { try await self.request() }
        inFlight = task
        defer { if inFlight == task { inFlight = nil } }
        do {
            let (token, expiresIn) = try await task.value
            cached = (token, Date().addingTimeInterval(max(expiresIn - 300, expiresIn / 2)))
            return token
        } catch let error as ClientCredentialsError {
            throw error
        } catch {
            throw .unavailable("\(error)", retryAfter: nil)
        }
    }

    /// Drops the cached token: the resource server refused it (revoked, or expired early).
    public func forget() { cached = nil }

    func request() async throws(ClientCredentialsError) -> (Secret, expiresIn: Double) {
        fetches += 1
        var request = HTTPClientRequest(url: configuration.tokenURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        var form = [("grant_type", "client_credentials")]
        if configuration.sendsBasicHeader {
            let pair = "\(FormEncoding.encoded(configuration.clientID)):\(FormEncoding.encoded(configuration.clientSecret.value))"
            request.headers.add(name: "Authorization", value: "Basic \(Data(pair.utf8).base64EncodedString())")
        } else {
            form += [("client_id", configuration.clientID), ("client_secret", configuration.clientSecret.value)]
        }
        if let scope = configuration.scope { form.append(("scope", scope)) }
        request.body = .bytes(ByteBuffer(string: FormEncoding.form(form)))
        let status: Int
        let headers: HTTPHeaders
        let body: Data
        do {
            let response = try await httpClient.execute(
                request, timeout: .milliseconds(Int64(configuration.timeoutSeconds * 1000)), logger: logger.forHTTPClient)
            let bytes = try await response.body.collect(upTo: 1 << 20)
            (status, headers, body) = (Int(response.status.code), response.headers, Data(bytes.readableBytesView))
        } catch {
            throw .unavailable("\(type(of: error)) from \(Self.host(configuration.tokenURL))", retryAfter: nil)
        }
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        guard status == 200 else {
            // RFC 6749 §5.2: {"error": "invalid_client", "error_description": "..."}, answered 400 (or 401): every
            // such error (a wrong secret, an unknown scope or tenant) needs an operator, not another try.
            let code = object?["error"] as? String ?? ""
            let description = (object?["error_description"] as? String).map { ": \($0.prefix(200))" } ?? ""
            let reason = "\(status)\(code.isEmpty ? "" : " \(code)")\(description)"
            switch status {
            case 400, 401, 403:
                throw .refused(reason)
            default:
                throw .unavailable("token endpoint \(reason)", retryAfter: headers.first(name: "Retry-After").flatMap(Double.init))
            }
        }
        guard let token = object?["access_token"] as? String, !token.isEmpty else {
            throw .unavailable("the token endpoint answered 200 without an access_token", retryAfter: nil)
        }
        let expiresIn = (object?["expires_in"] as? Double) ?? (object?["expires_in"] as? String).flatMap(Double.init) ?? 3600
        logger.debug("access token obtained", metadata: ["token_url": "\(Self.host(configuration.tokenURL))", "expires_in": "\(Int(expiresIn))"])
        return (Secret(token), expiresIn)
    }

    /// The URL's scheme and host, for messages: never its query, which might hold a key.
    static func host(_ url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return "the token endpoint" }
        return "\(components.scheme ?? "https")://\(host)\(components.port.map { ":\($0)" } ?? "")"
    }
}
