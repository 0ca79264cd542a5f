// ConsoleSettings: `admin.console`, the admin console in the browser on the admin listener.

/// The web console served on the admin listener under `/console` (enabled with the admin token).
public struct ConsoleSettings: Sendable, Codable {
    /// Off turns `/console` away with 404.
    public var enabled: Bool
    /// How long a sign-in lasts; the session cookie expires then and the admin token is asked for again.
    public var sessionMinutes: Double
    /// The session cookie is `Secure` when the console is reached through TLS: `auto` when the request says so
    /// (`X-Forwarded-Proto: https` from a TLS-terminating ingress), `always`, or `never` (plain loopback or an
    /// SSH tunnel, where a browser would not send a `Secure` cookie back).
    public var secureCookie: SecureCookie
    /// Where Feishu sends the browser back after the console's "log in to Feishu": the console's own
    /// `/console/feishu/callback` as the browser reaches it (register it in the app's security settings).
    /// Empty: built from the request's `Host`.
    public var loginRedirectURI: String

    public enum SecureCookie: String, Sendable, Codable {
        case auto, always, never
    }

    public init(enabled: Bool = true, sessionMinutes: Double = 480, secureCookie: SecureCookie = .auto, loginRedirectURI: String = "") {
        self.enabled = enabled
        self.sessionMinutes = sessionMinutes
        self.secureCookie = secureCookie
        self.loginRedirectURI = loginRedirectURI
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        enabled = try c.value(.enabled, default: defaults.enabled)
        sessionMinutes = try c.value(.sessionMinutes, default: defaults.sessionMinutes)
        secureCookie = try c.value(.secureCookie, default: defaults.secureCookie)
        loginRedirectURI = try c.value(.loginRedirectURI, default: defaults.loginRedirectURI)
    }

    enum CodingKeys: String, CodingKey {
        case enabled
        case sessionMinutes = "session_minutes"
        case secureCookie = "secure_cookie"
        case loginRedirectURI = "login_redirect_uri"
    }
}
