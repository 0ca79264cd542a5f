// UserTokenPair+OAuth: a pair the OAuth endpoint issued, as the store keeps it.

public import FeishuAPI
public import HireBindCore

extension UserTokenPair {
    /// The pair as issued by the token endpoint.
    public init(_ issued: OAuthTokenPair) {
        self.init(
            accessToken: issued.accessToken, accessExpiresAt: issued.accessExpiresAt, refreshToken: issued.refreshToken,
            refreshExpiresAt: issued.refreshExpiresAt, scope: issued.scope
        )
    }
}
