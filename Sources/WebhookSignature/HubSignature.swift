// HubSignature: GitHub-style `X-Hub-Signature-256` signatures over the raw body.

/// GitHub-style signatures: `X-Hub-Signature-256: sha256=<hex>` over the raw body.
/// The scheme carries no timestamp, so it has no replay window: prefer Standard Webhooks.
public struct HubSignature: WebhookSignatureScheme {
    public static let signatureHeader = "x-hub-signature-256"

    public init() {}

    public func verify(
        headers: HeaderLookup,
        body: [UInt8],
        secrets: [SigningSecret],
        now: UnixTime
    ) throws(SignatureFailure) {
        let value = try headers.single(Self.signatureHeader)
        guard value.hasPrefix("sha256="), let candidate = Hex.decode(value.dropFirst(7)) else {
            throw .malformedHeader(Self.signatureHeader, reason: "expected 'sha256=<hex>'")
        }
        guard anySecretSigned(body, candidate: candidate, secrets: secrets) else {
            throw .noMatchingSignature
        }
    }

    public static func sign(body: [UInt8], secret: SigningSecret) -> (name: String, value: String) {
        (signatureHeader, "sha256=" + Hex.encode(HMACSHA256.authenticationCode(key: secret.key, message: body)))
    }
}

/// Lowercase hexadecimal.
public enum Hex {
    public static func encode(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 2)
        var index = 0
        while index < chars.count {
            guard let high = nibble(chars[index]), let low = nibble(chars[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
