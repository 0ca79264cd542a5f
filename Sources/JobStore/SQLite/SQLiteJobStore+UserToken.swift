// SQLiteJobStore+UserToken: the UserTokenStore contract on SQLite: one row holds the pair and its refresh claim.

public import Foundation
import GRDB
public import HireBindCore
import Secrets

extension SQLiteJobStore: UserTokenStore {
    public func userToken() async throws -> StoredUserToken? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM feishu_user_token WHERE id = 1").map(Self.userToken(from:))
        }
    }

    public func saveUserToken(_ pair: UserTokenPair, now: Date) async throws -> StoredUserToken {
        try await pool.write { db in
            let generation = (try Int.fetchOne(db, sql: "SELECT generation FROM feishu_user_token WHERE id = 1") ?? 0) + 1
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO feishu_user_token (id, access_token, access_expires_at, refresh_token, refresh_expires_at,
                        scope, generation, dead_reason, refresh_holder, refresh_held_until, updated_at)
                    VALUES (1, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?)
                    """,
                arguments: Self.arguments(pair) + [generation, now.timeIntervalSince1970]
            )
            return StoredUserToken(pair: pair, generation: generation, deadReason: nil, updatedAt: now)
        }
    }

    public func claimTokenRefresh(holder: String, for seconds: Double, now: Date) async throws -> StoredUserToken? {
        try await pool.write { db in
            let t = now.timeIntervalSince1970
            try db.execute(
                sql: """
                    UPDATE feishu_user_token SET refresh_holder = ?, refresh_held_until = ?
                    WHERE id = 1 AND (refresh_holder IS NULL OR refresh_holder = ? OR refresh_held_until <= ?)
                    """,
                arguments: [holder, t + seconds, holder, t]
            )
            guard db.changesCount == 1 else { return nil }
            return try Row.fetchOne(db, sql: "SELECT * FROM feishu_user_token WHERE id = 1").map(Self.userToken(from:))
        }
    }

    public func commitTokenRefresh(holder: String, generation: Int, pair: UserTokenPair, now: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE feishu_user_token SET access_token = ?, access_expires_at = ?, refresh_token = ?, refresh_expires_at = ?,
                        scope = ?, generation = generation + 1, dead_reason = NULL, refresh_holder = NULL, refresh_held_until = NULL,
                        updated_at = ?
                    WHERE id = 1 AND refresh_holder = ? AND generation = ?
                    """,
                arguments: Self.arguments(pair) + [now.timeIntervalSince1970, holder, generation]
            )
            return db.changesCount == 1
        }
    }

    public func releaseTokenRefresh(holder: String, deadReason: String?) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE feishu_user_token SET refresh_holder = NULL, refresh_held_until = NULL,
                        dead_reason = COALESCE(?, dead_reason) WHERE id = 1 AND refresh_holder = ?
                    """,
                arguments: [deadReason, holder]
            )
        }
    }

    static func arguments(_ pair: UserTokenPair) -> StatementArguments {
        [
            pair.accessToken.value, pair.accessExpiresAt.timeIntervalSince1970, pair.refreshToken?.value,
            pair.refreshExpiresAt?.timeIntervalSince1970, pair.scope,
        ]
    }

    static func userToken(from row: Row) -> StoredUserToken {
        let refresh: String? = row["refresh_token"]
        let refreshExpiry: Double? = row["refresh_expires_at"]
        return StoredUserToken(
            pair: UserTokenPair(
                accessToken: Secret(row["access_token"]), accessExpiresAt: Date(timeIntervalSince1970: row["access_expires_at"]),
                refreshToken: refresh.map(Secret.init), refreshExpiresAt: refreshExpiry.map(Date.init(timeIntervalSince1970:)),
                scope: row["scope"]
            ),
            generation: row["generation"], deadReason: row["dead_reason"], updatedAt: Date(timeIntervalSince1970: row["updated_at"])
        )
    }
}
