// OAuthSettings: `feishu.oauth`, the login `hirebind feishu login` runs and the refresh that keeps it alive.

/// The OAuth authorization-code flow `hirebind feishu login` runs, and the refresh that keeps the token alive.
public struct OAuthSettings: Sendable, Codable {
    /// Where Feishu sends the admin back with the code: a listener `feishu login` opens on this host and port.
    /// Register it as a redirect URL in the app's security settings.
    public var redirectURI: String
    /// `offline_access` is what makes Feishu issue a refresh token; it is added when missing (``requestedScopes``).
    public var scopes: [String]
    /// The access token is refreshed when less than this is left.
    public var refreshMarginSeconds: Double

    public init(
        redirectURI: String = "http://127.0.0.1:8914/callback",
        scopes: [String] = ["offline_access", "calendar:exchange.bindings:create", "calendar:calendar", "calendar:calendar:readonly"],
        refreshMarginSeconds: Double = 300
    ) {
        self.redirectURI = redirectURI
        self.scopes = scopes
        self.refreshMarginSeconds = refreshMarginSeconds
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        redirectURI = try c.value(.redirectURI, default: defaults.redirectURI)
        scopes = try c.value(.scopes, default: defaults.scopes)
        refreshMarginSeconds = try c.value(.refreshMarginSeconds, default: defaults.refreshMarginSeconds)
    }

    /// The scopes asked for, `offline_access` always among them.
    public var requestedScopes: [String] {
        scopes.contains("offline_access") ? scopes : ["offline_access"] + scopes
    }

    enum CodingKeys: String, CodingKey {
        case scopes
        case redirectURI = "redirect_uri"
        case refreshMarginSeconds = "refresh_margin_seconds"
    }
}
