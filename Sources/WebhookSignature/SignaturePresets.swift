// SignaturePresets: the signing rules of common HR senders, as DeclaredHMACSignature values.

extension DeclaredHMACSignature {
    /// GitHub-style `X-Hub-Signature-256: sha256=<hex>` over the raw body. No timestamp, so no replay window.
    public static let github = DeclaredHMACSignature(
        header: "X-Hub-Signature-256", prefix: "sha256=", algorithm: .sha256, encoding: .hex, signedContent: .init(known: [.body]))

    /// BambooHR: `X-BambooHR-Signature: <hex>`, HMAC-SHA256 of the body followed by the `X-BambooHR-Timestamp`
    /// value (seconds since 1970); requests older than five minutes are refused.
    public static let bambooHR = DeclaredHMACSignature(
        header: "X-BambooHR-Signature", algorithm: .sha256, encoding: .hex, signedContent: .init(known: [.body, .timestamp]),
        timestampHeader: "X-BambooHR-Timestamp", timestampUnit: .seconds, toleranceSeconds: 300)

    /// HiBob: `Bob-Signature: <base64>`, HMAC-SHA512 of the body. No timestamp, so no replay window.
    public static let hiBob = DeclaredHMACSignature(
        header: "Bob-Signature", algorithm: .sha512, encoding: .base64, signedContent: .init(known: [.body]))

    /// Greenhouse: `Signature: sha256 <hex>` (a space, not `=`), HMAC-SHA256 of the body. No replay window.
    public static let greenhouse = DeclaredHMACSignature(
        header: "Signature", prefix: "sha256 ", algorithm: .sha256, encoding: .hex, signedContent: .init(known: [.body]))

    /// Deel: `x-deel-signature: <hex>`, HMAC-SHA256 of `POST` followed by the body. No replay window.
    public static let deel = DeclaredHMACSignature(
        header: "x-deel-signature", algorithm: .sha256, encoding: .hex, signedContent: .init(known: [.method, .body]))
}

extension StaticToken {
    /// Personio: the webhook's authorization value, sent as is in `Authorization` (set `verify.prefix: "Bearer "`
    /// when the value typed into Personio starts with it and the secret holds the token alone).
    public static let personio = StaticToken(header: "Authorization", prefix: "")
}
