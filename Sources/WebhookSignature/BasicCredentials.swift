// BasicCredentials: HTTP Basic authentication (RFC 7617), the password compared in constant time.

import Foundation

/// A sender that proves itself with HTTP Basic credentials (Workday's outbound notifications): `Authorization:
/// Basic base64(username:password)`, the username fixed by configuration and the password one of the secrets.
/// Like a static token it signs nothing and has no replay window.
public struct BasicCredentials: WebhookSignatureScheme, Equatable {
    public var username: String

    public init(username: String) {
        self.username = username
    }

    public static let header = "Authorization"

    public func verify(headers: HeaderLookup, body: [UInt8], secrets: [SigningSecret], now: UnixTime) throws(SignatureFailure) {
        let value = try headers.single(Self.header)
        guard value.utf8.count <= 4096, value.count > 6, value.prefix(6).lowercased() == "basic ",
            let decoded = Data(base64Encoded: String(value.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let colon = decoded.firstIndex(of: UInt8(ascii: ":"))
        else {
            throw .malformedHeader(Self.header, reason: "expected 'Basic base64(username:password)'")
        }
        let presentedUser = Array(decoded[decoded.startIndex..<colon])
        let presentedPassword = Array(decoded[decoded.index(after: colon)...])
        // Both parts are always compared, so the time taken does not tell a wrong username from a wrong password.
        let userMatches = ConstantTime.equals(Array(username.utf8), presentedUser)
        var passwordMatches = false
        for secret in secrets where ConstantTime.equals(secret.key, presentedPassword) { passwordMatches = true }
        guard userMatches && passwordMatches else { throw .wrongCredentials }
    }

    /// The header that carries `password`.
    public func sign(password: SigningSecret) -> (name: String, value: String) {
        (Self.header, "Basic " + Data((Array(username.utf8) + [UInt8(ascii: ":")] + password.key)).base64EncodedString())
    }
}
