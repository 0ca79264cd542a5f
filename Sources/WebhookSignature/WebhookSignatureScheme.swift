// WebhookSignatureScheme: the protocol every signature scheme implements.

/// A way of signing webhooks: which headers carry what, and over which bytes the HMAC runs.
public protocol WebhookSignatureScheme: Sendable {
    /// Accepts the request when one of its signatures was made with one of `secrets`
    /// (several secrets are active during a rotation).
    func verify(
        headers: HeaderLookup,
        body: [UInt8],
        secrets: [SigningSecret],
        now: UnixTime
    ) throws(SignatureFailure)
}

/// Seconds since 1970-01-01 UTC.
public typealias UnixTime = Int64

extension WebhookSignatureScheme {
    /// Whether one of `candidates` is the `algorithm` HMAC of `message` under one of `secrets`. The MAC is computed once per
    /// secret (the costly part, over the whole body), however many signatures the sender listed; every
    /// comparison is constant-time and all are made.
    func anySecretSigned(
        _ message: [UInt8], candidates: [[UInt8]], secrets: [SigningSecret], algorithm: HMACAlgorithm = .sha256
    ) -> Bool {
        var matched = false
        for secret in secrets {
            let expected = algorithm.authenticationCode(key: secret.key, message: message)
            for candidate in candidates where ConstantTime.equals(expected, candidate) { matched = true }
        }
        return matched
    }
}
