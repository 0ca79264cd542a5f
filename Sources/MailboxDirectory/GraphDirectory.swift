// GraphDirectory: Exchange Online's mailboxes through Microsoft Graph: client-credentials token, users by filter.

public import AsyncHTTPClient
import Foundation
import HTTPAuthorization
public import Logging
import NIOCore
import NIOHTTP1
public import Secrets

/// Microsoft Graph as the mailbox directory (Exchange Online): an Entra ID app registration with the
/// `User.Read.All` application permission signs in with client credentials, and `GET /v1.0/users` is asked
/// by the identity attribute or by an address. Throttling (429 with `Retry-After`) is handed back as
/// ``MailboxDirectoryError/throttled(retryAfter:)`` for the job to wait out.
public struct GraphDirectory: MailboxDirectory {
    /// Where and as whom hirebind asks Graph.
    public struct Configuration: Sendable {
        public var tenantID: String
        public var clientID: String
        public var clientSecret: Secret
        /// The user property people are matched by: `employeeId` (the default), `userPrincipalName`, `mail`,
        /// `onPremisesExtensionAttributes/extensionAttribute1`, or a directory extension `extension_{app}_{name}`.
        public var identityAttribute: String
        /// The Entra sign-in host (another for a national cloud, the sandbox in a dry run).
        public var authorityURL: String
        /// The Graph host; the token's scope is `{graphURL}/.default`.
        public var graphURL: String
        public var timeoutSeconds: Double

        public static let defaultIdentityAttribute = "employeeId"
        public static let defaultAuthorityURL = "https://login.microsoftonline.com"
        public static let defaultGraphURL = "https://graph.microsoft.com"
        public static let defaultTimeoutSeconds = 10.0

        public init(
            tenantID: String, clientID: String, clientSecret: Secret, identityAttribute: String = Self.defaultIdentityAttribute,
            authorityURL: String = Self.defaultAuthorityURL, graphURL: String = Self.defaultGraphURL,
            timeoutSeconds: Double = Self.defaultTimeoutSeconds
        ) {
            self.tenantID = tenantID
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.identityAttribute = identityAttribute
            self.authorityURL = Self.trimmed(authorityURL)
            self.graphURL = Self.trimmed(graphURL)
            self.timeoutSeconds = timeoutSeconds
        }

        static func trimmed(_ url: String) -> String { url.hasSuffix("/") ? String(url.dropLast()) : url }
    }

    public let configuration: Configuration
    let httpClient: HTTPClient
    /// Client credentials against the tenant's token endpoint, for `{graphURL}/.default`.
    let tokens: ClientCredentialsGrant
    let logger: Logger

    public init(configuration: Configuration, httpClient: HTTPClient, logger: Logger) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.tokens = ClientCredentialsGrant(
            configuration: .init(
                tokenURL: "\(configuration.authorityURL)/\(configuration.tenantID)/oauth2/v2.0/token", clientID: configuration.clientID,
                clientSecret: configuration.clientSecret, scope: "\(configuration.graphURL)/.default", timeoutSeconds: configuration.timeoutSeconds),
            httpClient: httpClient, logger: logger)
        self.logger = logger
    }

    public var kind: String { "graph" }
    public var identityAttribute: String { configuration.identityAttribute }

    public func accounts(identity: String) async throws(MailboxDirectoryError) -> [MailboxRecord] {
        try await users(filter: "\(configuration.identityAttribute) eq \(Self.literal(identity))")
    }

    public func holders(of address: String) async throws(MailboxDirectoryError) -> [MailboxRecord] {
        let address = address.lowercased()
        return try await users(
            filter: "mail eq \(Self.literal(address)) or proxyAddresses/any(p:p eq \(Self.literal("smtp:" + address)))")
    }

    /// An OData string literal: single quotes doubled.
    static func literal(_ value: String) -> String { "'" + value.replacingOccurrences(of: "'", with: "''") + "'" }

    /// The identity attribute's first path segment, as `$select` names it.
    var selectedIdentity: String { String(configuration.identityAttribute.split(separator: "/").first ?? "employeeId") }

    func users(filter: String) async throws(MailboxDirectoryError) -> [MailboxRecord] {
        let select = Array(Set(["id", "mail", "proxyAddresses", "userPrincipalName", "accountEnabled", selectedIdentity])).sorted()
        var components = URLComponents()
        components.queryItems = [
            URLQueryItem(name: "$filter", value: filter), URLQueryItem(name: "$select", value: select.joined(separator: ",")),
            URLQueryItem(name: "$top", value: "10"), URLQueryItem(name: "$count", value: "true"),
        ]
        // URLComponents leaves `+` and `&` inside values alone; a filter must not be cut or turned into spaces.
        let query = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        let url = "\(configuration.graphURL)/v1.0/users?\(query)"
        for attempt in 1...2 {
            let token: Secret
            do throws(ClientCredentialsError) {
                token = try await tokens.token()
            } catch {
                switch error {
                case .refused(let reason): throw MailboxDirectoryError.credentials(reason)
                case .unavailable(let reason, let retryAfter):
                    throw retryAfter.map { MailboxDirectoryError.throttled(retryAfter: $0) } ?? MailboxDirectoryError.unavailable(reason)
                }
            }
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Authorization", value: "Bearer \(token.value)")
            // Filters on extension attributes and $count are advanced queries; they work for the others as well.
            request.headers.add(name: "ConsistencyLevel", value: "eventual")
            request.headers.add(name: "Accept", value: "application/json")
            let (status, headers, body) = try await send(request)
            switch status {
            case 200:
                return try Self.records(in: body, identityAttribute: configuration.identityAttribute)
            case 401 where attempt == 1:
                // The token was revoked or expired early: sign in again once.
                await tokens.forget()
                continue
            default:
                throw Self.failure(status: status, headers: headers, body: body, what: "users")
            }
        }
        throw .credentials("Graph refused a fresh token (401)")
    }

    func send(_ request: HTTPClientRequest) async throws(MailboxDirectoryError) -> (Int, HTTPHeaders, Data) {
        do {
            let response = try await httpClient.execute(
                request, timeout: .milliseconds(Int64(configuration.timeoutSeconds * 1000)), logger: logger.forHTTPClient)
            let bytes = try await response.body.collect(upTo: 4 << 20)
            return (Int(response.status.code), response.headers, Data(bytes.readableBytesView))
        } catch {
            throw .unavailable("\(type(of: error)): \(TransportFailure.reason(error))")
        }
    }

    /// Graph's and Entra's error answers: `{"error": {"code", "message"}}` or `{"error", "error_description"}`.
    static func failure(status: Int, headers: HTTPHeaders, body: Data, what: String) -> MailboxDirectoryError {
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        var code = "", message = ""
        if let error = object?["error"] as? [String: Any] {
            code = error["code"] as? String ?? ""
            message = error["message"] as? String ?? ""
        } else if let error = object?["error"] as? String {
            code = error
            message = (object?["error_description"] as? String)?.split(separator: "\n").first.map(String.init) ?? ""
        }
        let reason = "\(what) \(status)" + (code.isEmpty ? "" : " \(code)") + (message.isEmpty ? "" : ": \(message.prefix(300))")
        let retryAfter = headers.first(name: "Retry-After").flatMap(Double.init)
        switch status {
        case 429: return .throttled(retryAfter: retryAfter)
        case 503 where retryAfter != nil: return .throttled(retryAfter: retryAfter)
        case 401, 403: return .credentials(reason)
        case 400, 404: return .misconfigured(reason)
        default: return .unavailable(reason)
        }
    }

    /// The users of a `GET /users` answer.
    static func records(in body: Data, identityAttribute: String) throws(MailboxDirectoryError) -> [MailboxRecord] {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any], let users = object["value"] as? [[String: Any]]
        else {
            throw .unavailable("Graph answered 200 without a user list")
        }
        return users.map { user in
            var identity: Any? = user
            for segment in identityAttribute.split(separator: "/") { identity = (identity as? [String: Any])?[String(segment)] }
            return MailboxRecord(
                id: user["id"] as? String ?? "", identity: identity as? String, mail: user["mail"] as? String,
                proxyAddresses: user["proxyAddresses"] as? [String] ?? [], userPrincipalName: user["userPrincipalName"] as? String,
                enabled: user["accountEnabled"] as? Bool ?? true
            )
        }
    }
}
