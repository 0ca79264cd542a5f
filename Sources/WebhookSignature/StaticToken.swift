// StaticToken: a shared token in a header (`Authorization: Bearer …`), compared in constant time.

/// A sender that proves itself with a fixed token in a header (Personio, Rippling): the header's value after
/// `prefix` must equal one of the secrets (several during a rotation). There is no signature over the body and
/// no replay window: anyone who sees one request can send others, so keep such a source behind TLS and an
/// address allow-list.
public struct StaticToken: WebhookSignatureScheme, Equatable {
    public var header: String
    /// Text before the token, compared case-insensitively (`Bearer `); empty for a bare token.
    public var prefix: String

    public init(header: String = "Authorization", prefix: String = "Bearer ") {
        self.header = header
        self.prefix = prefix
    }

    public func verify(headers: HeaderLookup, body: [UInt8], secrets: [SigningSecret], now: UnixTime) throws(SignatureFailure) {
        let value = try headers.single(header)
        guard value.utf8.count <= 4096, value.count >= prefix.count, value.prefix(prefix.count).lowercased() == prefix.lowercased() else {
            throw .malformedHeader(header, reason: prefix.isEmpty ? "must hold the token" : "expected '\(prefix)<token>'")
        }
        let presented = Array(value.dropFirst(prefix.count).utf8)
        // Every secret is compared, whichever matches.
        var matched = false
        for secret in secrets where ConstantTime.equals(secret.key, presented) { matched = true }
        guard matched else { throw .wrongCredentials }
    }

    /// The header that carries `secret`.
    public func sign(secret: SigningSecret) -> (name: String, value: String) {
        (header, prefix + String(decoding: secret.key, as: UTF8.self))
    }
}
