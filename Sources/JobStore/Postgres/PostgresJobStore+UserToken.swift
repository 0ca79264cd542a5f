// PostgresJobStore+UserToken: the UserTokenStore contract on PostgreSQL: one row holds the pair and its refresh claim.

public import Foundation
public import HireBindCore
import PostgresNIO
import Secrets

extension PostgresJobStore: UserTokenStore {
    public func userToken() async throws -> StoredUserToken? {
        try await rows("SELECT * FROM feishu_user_token WHERE id = 1").first.map(Self.userToken(from:))
    }

    public func saveUserToken(_ pair: UserTokenPair, now: Date) async throws -> StoredUserToken {
        let row = try await rows(
            """
            INSERT INTO feishu_user_token (id, access_token, access_expires_at, refresh_token, refresh_expires_at, scope, generation,
                dead_reason, refresh_holder, refresh_held_until, updated_at)
            VALUES (1, \(pair.accessToken.value), \(pair.accessExpiresAt), \(pair.refreshToken?.value), \(pair.refreshExpiresAt),
                \(pair.scope), 1, NULL, NULL, NULL, \(db(now)))
            ON CONFLICT (id) DO UPDATE SET access_token = excluded.access_token, access_expires_at = excluded.access_expires_at,
                refresh_token = excluded.refresh_token, refresh_expires_at = excluded.refresh_expires_at, scope = excluded.scope,
                generation = feishu_user_token.generation + 1, dead_reason = NULL, refresh_holder = NULL, refresh_held_until = NULL,
                updated_at = excluded.updated_at
            RETURNING generation
            """
        ).first
        return StoredUserToken(pair: pair, generation: try row?.value("generation") ?? 1, deadReason: nil, updatedAt: now)
    }

    /// One statement: of replicas asking at once, exactly one gets the pair.
    public func claimTokenRefresh(holder: String, for seconds: Double, now: Date) async throws -> StoredUserToken? {
        try await rows(
            """
            UPDATE feishu_user_token SET refresh_holder = \(holder), refresh_held_until = \(db(now.addingTimeInterval(seconds)))
            WHERE id = 1 AND (refresh_holder IS NULL OR refresh_holder = \(holder) OR refresh_held_until <= \(db(now)))
            RETURNING *
            """
        ).first.map(Self.userToken(from:))
    }

    public func commitTokenRefresh(holder: String, generation: Int, pair: UserTokenPair, now: Date) async throws -> Bool {
        try await rows(
            """
            UPDATE feishu_user_token SET access_token = \(pair.accessToken.value), access_expires_at = \(pair.accessExpiresAt),
                refresh_token = \(pair.refreshToken?.value), refresh_expires_at = \(pair.refreshExpiresAt), scope = \(pair.scope),
                generation = generation + 1, dead_reason = NULL, refresh_holder = NULL, refresh_held_until = NULL, updated_at = \(db(now))
            WHERE id = 1 AND refresh_holder = \(holder) AND generation = \(generation)
            RETURNING id
            """
        ).count == 1
    }

    public func releaseTokenRefresh(holder: String, deadReason: String?) async throws {
        try await rows(
            """
            UPDATE feishu_user_token SET refresh_holder = NULL, refresh_held_until = NULL, dead_reason = COALESCE(\(deadReason), dead_reason)
            WHERE id = 1 AND refresh_holder = \(holder)
            """)
    }

    static func userToken(from row: PostgresRandomAccessRow) throws -> StoredUserToken {
        StoredUserToken(
            pair: UserTokenPair(
                accessToken: Secret(try row.value("access_token")), accessExpiresAt: try row.value("access_expires_at"),
                refreshToken: try row.value("refresh_token", as: String?.self).map(Secret.init),
                refreshExpiresAt: try row.value("refresh_expires_at"), scope: try row.value("scope")),
            generation: try row.value("generation"), deadReason: try row.value("dead_reason"), updatedAt: try row.value("updated_at"))
    }
}
