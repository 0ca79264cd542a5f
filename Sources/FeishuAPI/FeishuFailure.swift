// FeishuFailure: why a Feishu call or token request did not succeed, in words an operator can act on.

/// Why a call to Feishu did not succeed, in words an operator can act on. Never carries a secret.
///
/// The service maps it to its own job failure at its edge; `needsLogin` tells it to add how a tenant
/// super admin signs in again, which this client cannot know.
public struct FeishuFailure: Sendable, Hashable {
    /// Feishu's error code as a string (`"195100"`), or the client's own (`"timeout"`, `"transport"`, `"oauth_20073"`).
    public var code: String
    public var message: String
    public var hint: String
    /// Only a new OAuth login by a tenant super admin can fix it.
    public var needsLogin: Bool

    public init(code: String, message: String, hint: String, needsLogin: Bool = false) {
        self.code = code
        self.message = message
        self.hint = hint
        self.needsLogin = needsLogin
    }
}
