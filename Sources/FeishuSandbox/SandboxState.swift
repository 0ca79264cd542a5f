// SandboxState: the sandbox's bindings, tokens, received requests and rate-limit windows.

public import Foundation

/// A request as the sandbox received it, for tests and the dry-run log.
public struct RecordedRequest: Sendable, Hashable {
    public var method: String
    public var path: String
    /// The raw query string, without `?`.
    public var query: String
    public var headers: [String: String]
    public var body: [UInt8]

    public func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }
}

/// A binding held by the sandbox tenant.
public struct SandboxBinding: Sendable, Hashable {
    public var id: String
    public var adminAccount: String
    public var exchangeAccount: String
    public var userID: String
    public var createdAt: Date
    /// How many create calls named this binding.
    public var createCalls: Int
}

/// The sandbox tenant's bindings and the requests it received.
public actor SandboxState {
    private(set) var bindings: [String: SandboxBinding] = [:]
    private(set) var requests: [RecordedRequest] = []
    private var faults: [SandboxFault] = []
    /// Per method, start times of the calls admitted in the last minute, oldest first.
    private var admitted: [String: [ContinuousClock.Instant]] = [:]
    /// When the create calls were admitted.
    private var admittedTimes: [Date] = []
    /// Authorization codes waiting to be exchanged (single-use, five minutes).
    private var codes: [String: (redirectURI: String, expiresAt: Date)] = [:]
    /// Issued user access tokens.
    private var userTokens: [String: (expiresAt: Date, superAdmin: Bool)] = [:]
    /// Issued refresh tokens; `used` once exchanged (single-use).
    private var refreshTokens: [String: (expiresAt: Date, used: Bool, revoked: Bool, superAdmin: Bool)] = [:]
    private var tenantTokens: [String: Date] = [:]
    /// How many refresh grants the token endpoint honoured.
    public private(set) var refreshesGranted = 0
    /// Create calls refused for the rate limit.
    public private(set) var rateLimitedCalls = 0

    public init() {}

    /// Admits a call to `method` unless one of `limits` (calls per sliding window) is full; otherwise the
    /// seconds until it is not.
    func admit(_ method: String, limits: [(calls: Int, window: Duration)], now: ContinuousClock.Instant = .now) -> Double? {
        let longest = limits.map(\.window).max() ?? .zero
        var times = admitted[method] ?? []
        if let stale = times.firstIndex(where: { now - $0 < longest }) {
            times.removeFirst(stale)
        } else {
            times.removeAll()
        }
        for limit in limits {
            let inWindow = times.reversed().prefix { now - $0 < limit.window }
            if inWindow.count >= limit.calls, let oldest = inWindow.last {
                rateLimitedCalls += 1
                admitted[method] = times
                let wait = limit.window - (now - oldest)
                return Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
            }
        }
        times.append(now)
        admitted[method] = times
        if method == "create" { admittedTimes.append(Date()) }
        return nil
    }

    // MARK: Tokens

    func issueCode(redirectURI: String, now: Date) -> String {
        let code = "sandbox-code-" + Self.randomToken()
        codes[code] = (redirectURI, now.addingTimeInterval(300))
        return code
    }

    /// Consumes a code: its redirect URI when it was valid.
    func redeemCode(_ code: String, now: Date) -> String? {
        guard let entry = codes.removeValue(forKey: code), entry.expiresAt > now else { return nil }
        return entry.redirectURI
    }

    /// A new pair; the refresh token only with `offline_access`.
    func issueUserTokens(
        superAdmin: Bool, withRefresh: Bool, accessSeconds: Double, refreshSeconds: Double, now: Date
    ) -> (access: String, refresh: String?) {
        let access = "u-sandbox-" + Self.randomToken()
        userTokens[access] = (now.addingTimeInterval(accessSeconds), superAdmin)
        guard withRefresh else { return (access, nil) }
        let refresh = "ur-sandbox-" + Self.randomToken()
        refreshTokens[refresh] = (now.addingTimeInterval(refreshSeconds), false, false, superAdmin)
        return (access, refresh)
    }

    /// Why a refresh token cannot be used (Feishu's code), or nil after marking it used.
    func spendRefreshToken(_ token: String, now: Date) -> (code: Int?, superAdmin: Bool) {
        guard var entry = refreshTokens[token] else { return (20026, false) }
        if entry.revoked { return (20064, false) }
        if entry.used { return (20073, false) }
        if entry.expiresAt <= now { return (20037, false) }
        entry.used = true
        refreshTokens[token] = entry
        refreshesGranted += 1
        return (nil, entry.superAdmin)
    }

    /// After a refresh the old access token stays valid for about a minute.
    func retireAccessTokens(except keep: String, now: Date) {
        for (token, entry) in userTokens where token != keep && entry.expiresAt > now.addingTimeInterval(60) {
            userTokens[token] = (now.addingTimeInterval(60), entry.superAdmin)
        }
    }

    /// nil: unknown token; otherwise whether it expired and whose it is.
    func userToken(_ token: String, now: Date) -> (expired: Bool, superAdmin: Bool)? {
        userTokens[token].map { ($0.expiresAt <= now, $0.superAdmin) }
    }

    /// Ends every issued user access token now (an admin endpoint, to rehearse expiry mid-run).
    public func expireUserAccessTokens(now: Date = Date()) {
        for (token, entry) in userTokens { userTokens[token] = (now, entry.superAdmin) }
    }

    /// Revokes every refresh token (an admin endpoint, to rehearse a revoked authorization).
    public func revokeRefreshTokens() {
        for (token, entry) in refreshTokens { refreshTokens[token] = (entry.expiresAt, entry.used, true, entry.superAdmin) }
    }

    func issueTenantToken(seconds: Double, now: Date) -> String {
        let token = "t-sandbox-" + Self.randomToken()
        tenantTokens[token] = now.addingTimeInterval(seconds)
        return token
    }

    func tenantTokenValid(_ token: String, now: Date) -> Bool {
        (tenantTokens[token].map { $0 > now }) ?? false
    }

    static func randomToken() -> String {
        (0..<4).map { _ in String(UInt64.random(in: 0...UInt64.max), radix: 36) }.joined()
    }

    /// When the admitted create calls happened, oldest first (for the backfill benchmark).
    public func admittedCallTimes() -> [Date] {
        admittedTimes
    }

    /// The next create calls answer with these faults, one each, in order.
    public func inject(_ faults: [SandboxFault]) {
        self.faults.append(contentsOf: faults)
    }

    func nextFault() -> SandboxFault? {
        faults.isEmpty ? nil : faults.removeFirst()
    }

    public func record(_ request: RecordedRequest) {
        requests.append(request)
    }

    /// Every request received so far, oldest first.
    public func receivedRequests() -> [RecordedRequest] {
        requests
    }

    public func allBindings() -> [SandboxBinding] {
        bindings.values.sorted { $0.createdAt < $1.createdAt }
    }

    public func binding(id: String) -> SandboxBinding? {
        bindings[id]
    }

    /// Removes a binding; false when there was none.
    func unbind(id: String) -> Bool {
        bindings.removeValue(forKey: id) != nil
    }

    /// Creates the binding, or counts another create of the same one.
    func bind(id: String, adminAccount: String, exchangeAccount: String, userID: String, now: Date) -> SandboxBinding {
        if var existing = bindings[id] {
            existing.createCalls += 1
            existing.userID = userID
            bindings[id] = existing
            return existing
        }
        let binding = SandboxBinding(
            id: id, adminAccount: adminAccount, exchangeAccount: exchangeAccount, userID: userID, createdAt: now, createCalls: 1)
        bindings[id] = binding
        return binding
    }
}
