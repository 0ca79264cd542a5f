// RequestCredentials: how a client proves itself to an API: nothing, a bearer token, Basic, or OAuth 2.0 client credentials.

import Foundation
public import Secrets

/// The `Authorization` a request to an API carries.
public enum RequestCredentials: Sendable {
    case none
    /// `Authorization: Bearer <token>`: an API key or a long-lived token.
    case bearer(Secret)
    /// `Authorization: Basic base64(user:password)` (RFC 7617).
    case basic(username: String, password: Secret)
    /// A token from the client-credentials grant, cached and renewed.
    case clientCredentials(ClientCredentialsGrant)

    /// The header's value, or nil for ``none``.
    public func authorization() async throws(ClientCredentialsError) -> Secret? {
        switch self {
        case .none: nil
        case .bearer(let token): Secret("Bearer \(token.value)")
        case .basic(let username, let password): Secret("Basic \(Data("\(username):\(password.value)".utf8).base64EncodedString())")
        case .clientCredentials(let grant): Secret("Bearer \(try await grant.token().value)")
        }
    }

    /// After a 401: a cached token is dropped so the next call fetches a new one. True when that may help.
    public func refused() async -> Bool {
        guard case .clientCredentials(let grant) = self else { return false }
        await grant.forget()
        return true
    }
}
