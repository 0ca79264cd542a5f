// OAuthTokenPair: the user_access_token and single-use refresh_token the OAuth token endpoint issues.

public import Foundation
public import Secrets

/// A tenant super admin's `user_access_token` and the single-use `refresh_token` that renews it, as issued.
public struct OAuthTokenPair: Sendable, Hashable {
    public var accessToken: Secret
    public var accessExpiresAt: Date
    /// Absent when the authorization did not include `offline_access`: the pair cannot be renewed.
    public var refreshToken: Secret?
    public var refreshExpiresAt: Date?
    public var scope: String?

    public init(accessToken: Secret, accessExpiresAt: Date, refreshToken: Secret?, refreshExpiresAt: Date?, scope: String?) {
        self.accessToken = accessToken
        self.accessExpiresAt = accessExpiresAt
        self.refreshToken = refreshToken
        self.refreshExpiresAt = refreshExpiresAt
        self.scope = scope
    }
}
