import FeishuAPI
import Foundation
import HireBindCore
import JobStore
import Logging

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
        throw .credentials(
            JobFailure(
                code: "user_token_refused", message: "Feishu refused the fixed feishu.user_access_token (expired or invalid)",
                hint: "Configure feishu.app_id and feishu.app_secret and run `hirebind feishu login` so the token is refreshed; jobs wait until then."
            ),
            operatorNeeded: true
        )
    }
}

/// Neither a fixed token nor app credentials are configured (the configuration check refuses this; a
/// configuration built in code may still do it): every call waits for an operator.
public struct NoUserAccessToken: UserAccessTokens {
    public init() {}

    public func current() async throws(FeishuCallError) -> Secret {
        throw .credentials(
            JobFailure(
                code: "no_credentials", message: "no Feishu credentials are configured",
                hint: "Configure feishu.app_id and feishu.app_secret and run `hirebind feishu login`; jobs wait until then."
            ),
            operatorNeeded: true
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
    let store: any JobStore
    let oauth: FeishuOAuth
    let refreshMargin: TimeInterval
    let health: FeishuHealth
    let metrics: HireBindMetrics
    let logger: Logger
    /// Who holds the store's refresh claim when this process refreshes.
    let holder = "hirebind-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
    private var refreshing: Task<Secret, any Error>?

    /// How long a refresh claim lasts; the token call's own timeout is far shorter.
    static let claimSeconds = 60.0

    public init(store: any JobStore, oauth: FeishuOAuth, refreshMargin: TimeInterval, health: FeishuHealth, metrics: HireBindMetrics, logger: Logger) {
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
            throw .credentials(JobFailure(code: "store", message: "cannot read the stored token: \(error)", hint: "hirebind retries."), operatorNeeded: false)
        }
        guard let stored else {
            throw .credentials(
                JobFailure(
                    code: "not_logged_in", message: "no Feishu user token is stored",
                    hint: "Run `hirebind feishu login --config <file>` once as a tenant super admin; jobs wait until then."
                ),
                operatorNeeded: true
            )
        }
        metrics.userTokenUsable(stored.deadReason == nil, expiresAt: stored.pair.accessExpiresAt)
        return stored
    }

    /// One refresh at a time in this process; callers that arrive meanwhile share its result.
    func refresh(over stored: StoredUserToken, force: Bool = false) async throws(FeishuCallError) -> Secret {
        let task = refreshing ?? Task { try await self.refreshClaimed(startingFrom: stored.generation, force: force) }
        refreshing = task
        defer { refreshing = nil }
        do {
            return try await task.value
        } catch let error as FeishuCallError {
            throw error
        } catch {
            throw .credentials(JobFailure(code: "refresh", message: "\(error)", hint: "hirebind retries."), operatorNeeded: false)
        }
    }

    func refreshClaimed(startingFrom generation: Int, force: Bool) async throws(FeishuCallError) -> Secret {
        // Wait (a while) for the claim; whoever holds it may store a fresh pair meanwhile.
        var claimed: StoredUserToken?
        for _ in 0..<40 {
            do {
                claimed = try await store.claimTokenRefresh(holder: holder, for: Self.claimSeconds, now: Date())
            } catch {
                throw .credentials(JobFailure(code: "store", message: "cannot claim the token refresh: \(error)", hint: "hirebind retries."), operatorNeeded: false)
            }
            if claimed != nil { break }
            try? await Task.sleep(for: .milliseconds(250))
            if let fresh = try? await store.userToken(), fresh.generation > generation, fresh.pair.accessExpiresAt.timeIntervalSinceNow > refreshMargin {
                return fresh.pair.accessToken
            }
        }
        guard let claimed else {
            throw .credentials(
                JobFailure(code: "refresh_busy", message: "another process holds the token refresh", hint: "hirebind retries."),
                operatorNeeded: false
            )
        }
        // Someone refreshed (or logged in) since the caller looked: use that pair.
        if claimed.generation > generation, claimed.pair.accessExpiresAt.timeIntervalSinceNow > refreshMargin || (!force && claimed.pair.accessExpiresAt > Date()) {
            try? await store.releaseTokenRefresh(holder: holder, deadReason: nil)
            return claimed.pair.accessToken
        }
        if let reason = claimed.deadReason {
            try? await store.releaseTokenRefresh(holder: holder, deadReason: nil)
            throw dead(JobFailure(code: "refresh_token_dead", message: reason, hint: Self.loginHint))
        }
        guard let refreshToken = claimed.pair.refreshToken else {
            try? await store.releaseTokenRefresh(holder: holder, deadReason: "no refresh token was issued")
            throw dead(JobFailure(
                code: "no_refresh_token", message: "the stored login has no refresh token (offline_access was not granted)",
                hint: "Add offline_access to feishu.oauth.scopes and the app's scopes, then run `hirebind feishu login`."
            ))
        }
        if let expiry = claimed.pair.refreshExpiresAt, expiry <= Date() {
            try? await store.releaseTokenRefresh(holder: holder, deadReason: "the refresh token expired")
            throw dead(JobFailure(code: "refresh_token_expired", message: "the refresh token expired", hint: Self.loginHint))
        }

        let pair: UserTokenPair
        do {
            pair = try await oauth.refresh(refreshToken)
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
            throw dead(JobFailure(code: "store", message: "the refreshed token pair could not be stored: \(error)", hint: Self.loginHint))
        }
        metrics.tokenRefreshes(outcome: "ok")
        metrics.userTokenUsable(true, expiresAt: pair.accessExpiresAt)
        health.credentialsWork()
        logger.info("user_access_token refreshed", metadata: [
            "expires_in_seconds": "\(Int(pair.accessExpiresAt.timeIntervalSinceNow))",
            "refresh_expires_in_seconds": "\(Int(pair.refreshExpiresAt?.timeIntervalSinceNow ?? 0))",
        ])
        return pair.accessToken
    }

    static let loginHint = "Run `hirebind feishu login --config <file>` as a tenant super admin to store a new token pair; jobs wait until then."

    /// Records a refresh token that cannot work again and says what to do.
    func dead(_ failure: JobFailure) -> FeishuCallError {
        metrics.tokenRefreshes(outcome: "dead")
        metrics.userTokenUsable(false, expiresAt: nil)
        health.needOperator(failure)
        logger.error("the Feishu refresh token cannot be used; jobs wait. \(failure.hint)", metadata: ["code": "\(failure.code)", "reason": "\(failure.message)"])
        return .credentials(failure, operatorNeeded: true)
    }
}
