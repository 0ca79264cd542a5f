// UserToken: the tenant super admin's token pair as the service and the store keep it.

public import Foundation
public import Secrets

/// A tenant super admin's `user_access_token` and the single-use `refresh_token` that renews it.
public struct UserTokenPair: Sendable, Hashable {
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

/// The token pair as the store holds it.
public struct StoredUserToken: Sendable, Hashable {
    public var pair: UserTokenPair
    /// Counts the pairs stored so far: a refresh commits only over the generation it started from.
    public var generation: Int
    /// Why the refresh token cannot be used any more (revoked, expired, already used); nil while it can.
    public var deadReason: String?
    public var updatedAt: Date

    public init(pair: UserTokenPair, generation: Int, deadReason: String?, updatedAt: Date) {
        self.pair = pair
        self.generation = generation
        self.deadReason = deadReason
        self.updatedAt = updatedAt
    }
}
