// UserAccessTokens: where bind calls get the admin's user_access_token: fixed, missing, or the stored login refreshed.

public import FeishuAPI
public import Foundation
import HireBindCore
public import JobStore
public import Logging
public import Secrets

/// Where the bind calls get the tenant super admin's `user_access_token`.
public protocol UserAccessTokens: Sendable {
    /// A token to call with now.
    func current() async throws(FeishuCallError) -> Secret
    /// Feishu refused `token` as expired or invalid: a fresh one, or why there is none.
    func refused(_ token: Secret) async throws(FeishuCallError) -> Secret
}

/// A token fixed in the configuration (`feishu.user_access_token`): never refreshed.
public struct FixedUserAccessToken: UserAccessTokens {
    let token: Secret

    public init(_ token: Secret) {
        self.token = token
    }

    public func current() async throws(FeishuCallError) -> Secret {
        token
    }

    public func refused(_ token: Secret) async throws(FeishuCallError) -> Secret {
        throw .operatorNeeded(
            code: "user_token_refused", message: "Feishu refused the fixed feishu.user_access_token (expired or invalid)",
            hint: "Configure feishu.app_id and feishu.app_secret, so that the token is refreshed.", needsLogin: true
        )
    }
}

/// Neither a fixed token nor app credentials are configured (the configuration check refuses this; a
/// configuration built in code may still do it): every call waits for an operator.
public struct NoUserAccessToken: UserAccessTokens {
    public init() {}

    public func current() async throws(FeishuCallError) -> Secret {
        throw .operatorNeeded(
            code: "no_credentials", message: "no Feishu credentials are configured", hint: "Configure feishu.app_id and feishu.app_secret.",
            needsLogin: true
        )
    }

    public func refused(_ token: Secret) async throws(FeishuCallError) -> Secret {
        try await current()
    }
}

/// The token pair `hirebind feishu login` stored, refreshed before it expires and when Feishu refuses it.
///
/// The refresh token is single-use and rotates, so a refresh claims the store's refresh lock first (one
/// refresher across every replica), refreshes, and commits the new pair before anyone uses its access token.
/// A refresh token that can never work again (used, revoked, expired) is marked dead in the store: jobs wait,
/// `/readyz` says degraded and the metric `hirebind_feishu_user_token_usable` is 0 until someone logs in again.
public actor RefreshingUserAccessToken: UserAccessTokens {
    let store: any UserTokenStore
    let oauth: FeishuOAuth
    let refreshMargin: TimeInterval
    let health: FeishuHealth
    let metrics: HireBindMetrics
    let logger: Logger
    /// Who holds the store's refresh claim when this process refreshes.
    let holder = "hirebind-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
    private let refreshing = SingleFlight<Secret>()

    /// How long a refresh claim lasts; the token call's own timeout is far shorter.
    static let claimSeconds = 60.0

    public init(
        store: any UserTokenStore, oauth: FeishuOAuth, refreshMargin: TimeInterval, health: FeishuHealth, metrics: HireBindMetrics, logger: Logger
    ) {
        self.store = store
        self.oauth = oauth
        self.refreshMargin = refreshMargin
        self.health = health
        self.metrics = metrics
        self.logger = logger
    }

    public func current() async throws(FeishuCallError) -> Secret {
        let stored = try await read()
        if stored.pair.accessExpiresAt.timeIntervalSinceNow > refreshMargin {
            return stored.pair.accessToken
        }
        return try await refresh(over: stored)
    }

    public func refused(_ token: Secret) async throws(FeishuCallError) -> Secret {
        let stored = try await read()
        // Another worker or replica has rotated it already.
        if stored.pair.accessToken != token, stored.pair.accessExpiresAt.timeIntervalSinceNow > 0 {
            return stored.pair.accessToken
        }
        return try await refresh(over: stored, force: true)
    }

    func read() async throws(FeishuCallError) -> StoredUserToken {
        let stored: StoredUserToken?
        do {
            stored = try await store.userToken()
        } catch {
            throw .credentialsUnavailable(code: "store", message: "cannot read the stored token: \(error)")
        }
        guard let stored else {
            throw .operatorNeeded(
                code: "not_logged_in", message: "no Feishu user token is stored", hint: "No login is stored yet.", needsLogin: true
            )
        }
        metrics.userTokenUsable(stored.deadReason == nil, expiresAt: stored.pair.accessExpiresAt)
        return stored
    }

    /// One refresh at a time in this process; callers that arrive meanwhile share its result.
    func refresh(over stored: StoredUserToken, force: Bool = false) async throws(FeishuCallError) -> Secret {
        try await refreshing.run({ try await self.refreshClaimed(startingFrom: stored.generation, force: force) }) { error in
            .credentialsUnavailable(code: "refresh", message: "\(error)")
        }
    }

    func refreshClaimed(startingFrom generation: Int, force: Bool) async throws(FeishuCallError) -> Secret {
        // Wait (a while) for the claim; whoever holds it may store a fresh pair meanwhile.
        var claimed: StoredUserToken?
        for _ in 0..<40 {
            do {
                claimed = try await store.claimTokenRefresh(holder: holder, for: Self.claimSeconds, now: Date())
            } catch {
                throw .credentialsUnavailable(code: "store", message: "cannot claim the token refresh: \(error)")
            }
            if claimed != nil { break }
            try? await Task.sleep(for: .milliseconds(250))
            if let fresh = try? await store.userToken(), fresh.generation > generation,
                fresh.pair.accessExpiresAt.timeIntervalSinceNow > refreshMargin
            {
                return fresh.pair.accessToken
            }
        }
        guard let claimed else {
            throw .credentialsUnavailable(code: "refresh_busy", message: "another process holds the token refresh")
        }
        // Someone refreshed (or logged in) since the caller looked: use that pair.
        if claimed.generation > generation,
            claimed.pair.accessExpiresAt.timeIntervalSinceNow > refreshMargin || (!force && claimed.pair.accessExpiresAt > Date())
        {
            try? await store.releaseTokenRefresh(holder: holder, deadReason: nil)
            return claimed.pair.accessToken
        }
        if let reason = claimed.deadReason {
            try? await store.releaseTokenRefresh(holder: holder, deadReason: nil)
            throw dead(FeishuFailure(code: "refresh_token_dead", message: reason, hint: Self.loginHint, needsLogin: true))
        }
        guard let refreshToken = claimed.pair.refreshToken else {
            try? await store.releaseTokenRefresh(holder: holder, deadReason: "no refresh token was issued")
            throw dead(
                FeishuFailure(
                    code: "no_refresh_token", message: "the stored login has no refresh token (offline_access was not granted)",
                    hint: "Add offline_access to feishu.oauth.scopes and the app's scopes.", needsLogin: true
                ))
        }
        if let expiry = claimed.pair.refreshExpiresAt, expiry <= Date() {
            try? await store.releaseTokenRefresh(holder: holder, deadReason: "the refresh token expired")
            throw dead(FeishuFailure(code: "refresh_token_expired", message: "the refresh token expired", hint: Self.loginHint, needsLogin: true))
        }

        let pair: UserTokenPair
        do {
            pair = UserTokenPair(try await oauth.refresh(refreshToken))
        } catch {
            let failure = error.failure
            if error.isTransient {
                try? await store.releaseTokenRefresh(holder: holder, deadReason: nil)
                metrics.tokenRefreshes(outcome: "error")
                logger.warning("the user token refresh failed; it is retried", metadata: ["code": "\(failure.code)", "reason": "\(failure.message)"])
                throw .credentials(failure, operatorNeeded: false)
            }
            try? await store.releaseTokenRefresh(holder: holder, deadReason: failure.message)
            throw dead(failure)
        }
        // The old refresh token is spent: the new pair is committed before its access token is used.
        do {
            if try await !store.commitTokenRefresh(holder: holder, generation: claimed.generation, pair: pair, now: Date()) {
                _ = try await store.saveUserToken(pair, now: Date())
            }
        } catch {
            logger.critical("a refreshed token pair could not be stored; the old refresh token is spent", metadata: ["error": "\(error)"])
            throw dead(
                FeishuFailure(
                    code: "store", message: "the refreshed token pair could not be stored: \(error)", hint: Self.loginHint, needsLogin: true))
        }
        metrics.tokenRefreshes(outcome: "ok")
        metrics.userTokenUsable(true, expiresAt: pair.accessExpiresAt)
        health.credentialsWork()
        logger.info(
            "user_access_token refreshed",
            metadata: [
                "expires_in_seconds": "\(Int(pair.accessExpiresAt.timeIntervalSinceNow))",
                "refresh_expires_in_seconds": "\(Int(pair.refreshExpiresAt?.timeIntervalSinceNow ?? 0))",
            ])
        return pair.accessToken
    }

    static let loginHint = "A new login must store a new token pair."

    /// Records a refresh token that cannot work again and says what to do.
    func dead(_ failure: FeishuFailure) -> FeishuCallError {
        let shown = JobFailure(failure)
        metrics.tokenRefreshes(outcome: "dead")
        metrics.userTokenUsable(false, expiresAt: nil)
        health.needOperator(shown)
        logger.error(
            "the Feishu refresh token cannot be used; jobs wait. \(shown.hint)",
            metadata: ["code": "\(failure.code)", "reason": "\(failure.message)"])
        return .credentials(failure, operatorNeeded: true)
    }
}
