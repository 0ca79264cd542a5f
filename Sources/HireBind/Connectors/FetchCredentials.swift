// FetchCredentials: the secrets of a source's `fetch.auth`, read once at start, and the credentials built from them.

import AsyncHTTPClient
import HTTPAuthorization
import Logging
public import Secrets

/// How hirebind signs in to one HR source's API, its secrets resolved.
public enum FetchCredentials: Sendable {
    case none
    case bearer(Secret)
    case basic(username: Secret, password: Secret)
    case oauth2(tokenURL: String, clientID: String, clientSecret: Secret, scope: String?, basicHeader: Bool, timeoutSeconds: Double)

    /// Reads the secrets `auth` names; errors name the key and the reference, never a value.
    static func resolve(
        _ auth: FetchAuthSettings, timeoutSeconds: Double, key: String, environment: [String: String]
    ) throws(ConfigurationError)
        -> FetchCredentials
    {
        func text(_ value: TextOrSecret?, _ name: String) throws(ConfigurationError) -> Secret {
            switch value {
            case .text(let text): return Secret(text)
            case .secret(let reference): return try reference.resolve(environment: environment)
            case nil: throw ConfigurationError(key: "\(key).\(name)", "required for auth type \(auth.type.rawValue)")
            }
        }
        switch auth.type {
        case .none:
            return .none
        case .bearer:
            guard let token = auth.token else { throw ConfigurationError(key: "\(key).token", "required for auth type bearer") }
            return .bearer(try token.resolve(environment: environment))
        case .basic:
            return .basic(username: try text(auth.username, "username"), password: try text(auth.password, "password"))
        case .oauth2:
            guard let tokenURL = auth.tokenURL, let clientID = auth.clientID, let secret = auth.clientSecret else {
                throw ConfigurationError(key: key, "auth type oauth2 needs token_url, client_id and client_secret")
            }
            return .oauth2(
                tokenURL: tokenURL, clientID: clientID, clientSecret: try secret.resolve(environment: environment), scope: auth.scope,
                basicHeader: auth.clientAuth == .basic, timeoutSeconds: timeoutSeconds)
        }
    }

    /// The credentials a reader signs its requests with; an OAuth2 client gets its own token cache.
    func requestCredentials(httpClient: HTTPClient, logger: Logger) -> RequestCredentials {
        switch self {
        case .none: .none
        case .bearer(let token): .bearer(token)
        case .basic(let username, let password): .basic(username: username.value, password: password)
        case .oauth2(let tokenURL, let clientID, let clientSecret, let scope, let basicHeader, let timeoutSeconds):
            .clientCredentials(
                ClientCredentialsGrant(
                    configuration: .init(
                        tokenURL: tokenURL, clientID: clientID, clientSecret: clientSecret, scope: scope, sendsBasicHeader: basicHeader,
                        timeoutSeconds: timeoutSeconds),
                    httpClient: httpClient, logger: logger))
        }
    }
}
