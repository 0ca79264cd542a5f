// ConsoleSessions: the console's sign-in: signed session cookies, their CSRF tokens and the Feishu login's state.

import Foundation
import Secrets
import Synchronization
import WebhookSignature

/// Sessions of the console, kept in the cookie itself: `v1.<expiry>.<nonce>.<mac>`, the MAC an HMAC-SHA256 (by
/// libcrypto) under a key derived from the admin token. Any replica that has the token verifies a session
/// without shared state; changing the admin token signs everyone out. A session's CSRF token and the `state`
/// of a Feishu login started from it are MACs of its nonce, so neither is stored either. Signing out forgets
/// the nonce in this process (until the session would have expired anyway).
final class ConsoleSessions: Sendable {
    /// A signed-in browser.
    struct Session: Sendable, Hashable {
        var nonce: String
        var expiresAt: Date
    }

    static let cookieName = "hirebind_console"

    private let key: [UInt8]
    private let lifetime: TimeInterval
    private let signedOut = Mutex<[String: Date]>([:])

    init(adminToken: Secret, lifetimeMinutes: Double) {
        // Not the token itself: a key of the console's own, so a MAC here is never a MAC anywhere else.
        key = HMACSHA256.authenticationCode(key: Array(adminToken.value.utf8), message: Array("hirebind console session v1".utf8))
        lifetime = lifetimeMinutes * 60
    }

    /// A new session from `now`, and its cookie value.
    func open(now: Date) -> (Session, cookie: String) {
        var generator = SystemRandomNumberGenerator()
        let nonce = Hex.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
        // Whole seconds, as the cookie writes it.
        let session = Session(nonce: nonce, expiresAt: Date(timeIntervalSince1970: (now.timeIntervalSince1970 + lifetime).rounded(.down)))
        let body = "v1.\(Int64(session.expiresAt.timeIntervalSince1970)).\(nonce)"
        return (session, body + "." + mac(body))
    }

    /// The session a cookie value names, if it is ours, unexpired and not signed out.
    func session(fromCookie value: String, now: Date) -> Session? {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "v1", let expiry = Int64(parts[1]), parts[2].count == 32 else { return nil }
        let body = parts[0...2].joined(separator: ".")
        guard ConstantTime.equals(Array(mac(body).utf8), Array(parts[3].utf8)) else { return nil }
        let session = Session(nonce: String(parts[2]), expiresAt: Date(timeIntervalSince1970: TimeInterval(expiry)))
        guard session.expiresAt > now else { return nil }
        guard signedOut.withLock({ $0[session.nonce] == nil }) else { return nil }
        return session
    }

    /// The token every form of the session carries.
    func csrfToken(of session: Session) -> String {
        mac("csrf." + session.nonce)
    }

    func isValidCSRFToken(_ token: String, of session: Session) -> Bool {
        ConstantTime.equals(Array(token.utf8), Array(csrfToken(of: session).utf8))
    }

    /// The OAuth `state` of a Feishu login started from the session: the redirect back must carry it.
    func loginState(of session: Session) -> String {
        mac("feishu-login." + session.nonce)
    }

    func signOut(_ session: Session, now: Date) {
        signedOut.withLock { forgotten in
            forgotten = forgotten.filter { $0.value > now }
            forgotten[session.nonce] = session.expiresAt
        }
    }

    private func mac(_ text: String) -> String {
        Hex.encode(HMACSHA256.authenticationCode(key: key, message: Array(text.utf8)))
    }
}
