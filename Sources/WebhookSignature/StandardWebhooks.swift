// StandardWebhooks: the Standard Webhooks scheme: verify with a replay window, and sign.

import Foundation

/// The Standard Webhooks scheme (standardwebhooks.com): `webhook-id`, `webhook-timestamp` and
/// `webhook-signature: v1,<base64>` (space-separated when several) over `"{id}.{timestamp}.{body}"`.
public struct StandardWebhooks: WebhookSignatureScheme {
    public static let idHeader = "webhook-id"
    public static let timestampHeader = "webhook-timestamp"
    public static let signatureHeader = "webhook-signature"

    /// How far the timestamp may be from now, either way.
    public var toleranceSeconds: Int64

    public init(toleranceSeconds: Int64 = 300) {
        self.toleranceSeconds = toleranceSeconds
    }

    public func verify(
        headers: HeaderLookup,
        body: [UInt8],
        secrets: [SigningSecret],
        now: UnixTime
    ) throws(SignatureFailure) {
        let id = try headers.single(Self.idHeader)
        guard !id.isEmpty, id.utf8.count <= 256, !id.contains(" ") else {
            throw .malformedHeader(Self.idHeader, reason: "must be 1–256 characters without spaces")
        }
        let timestampText = try headers.single(Self.timestampHeader)
        guard timestampText.utf8.count <= 19, let timestamp = Int64(timestampText) else {
            throw .malformedHeader(Self.timestampHeader, reason: "must be whole seconds since 1970")
        }
        let skew = timestamp > now ? timestamp - now : now - timestamp
        guard skew <= toleranceSeconds else {
            throw .timestampOutsideTolerance(skewSeconds: skew, toleranceSeconds: toleranceSeconds)
        }
        let signatureText = try headers.single(Self.signatureHeader)
        // A sender lists one signature per active secret; a header of thousands is an attack, refused unread.
        guard signatureText.utf8.count <= Self.maximumSignatureHeaderBytes else {
            throw .malformedHeader(Self.signatureHeader, reason: "longer than \(Self.maximumSignatureHeaderBytes) bytes")
        }
        let candidates = Self.versionOneSignatures(in: signatureText)
        guard !candidates.isEmpty else {
            throw .malformedHeader(Self.signatureHeader, reason: "expected one or more 'v1,<base64>' entries")
        }
        guard candidates.count <= Self.maximumSignatures else {
            throw .malformedHeader(Self.signatureHeader, reason: "more than \(Self.maximumSignatures) signatures")
        }
        let message = Self.signedContent(id: id, timestamp: timestamp, body: body)
        guard anySecretSigned(message, candidates: candidates, secrets: secrets) else { throw .noMatchingSignature }
    }

    /// At most this many signatures are read from `webhook-signature` (one per active secret is usual).
    public static let maximumSignatures = 16
    public static let maximumSignatureHeaderBytes = 4096

    /// The headers that sign `body` as message `id` at `timestamp` with `secret`.
    public static func sign(
        id: String,
        timestamp: UnixTime,
        body: [UInt8],
        secret: SigningSecret
    ) -> [(name: String, value: String)] {
        let mac = HMACSHA256.authenticationCode(key: secret.key, message: signedContent(id: id, timestamp: timestamp, body: body))
        return [
            (idHeader, id),
            (timestampHeader, String(timestamp)),
            (signatureHeader, "v1," + Data(mac).base64EncodedString()),
        ]
    }

    static func signedContent(id: String, timestamp: UnixTime, body: [UInt8]) -> [UInt8] {
        Array("\(id).\(timestamp).".utf8) + body
    }

    /// Decoded `v1` signatures; entries of other versions or with bad base64 are skipped.
    static func versionOneSignatures(in header: String) -> [[UInt8]] {
        header.split(separator: " ", omittingEmptySubsequences: true).compactMap { entry in
            let parts = entry.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, parts[0] == "v1", let data = Data(base64Encoded: String(parts[1])) else {
                return nil
            }
            return Array(data)
        }
    }
}
