// FeishuEventCrypto: Feishu's event subscription crypto: the encrypted body and the X-Lark-Signature.

import COpenSSL
import Foundation

/// The event subscription's encryption: AES-256-CBC under SHA-256 of the Encrypt Key, PKCS#7, the body
/// `{"encrypt": base64(iv ‖ ciphertext)}`.
public struct FeishuEventCipher: Sendable {
    let key: [UInt8]

    /// The cipher of an app's Encrypt Key, as written in the Feishu developer console.
    public init(encryptKey: String) {
        key = SHA256.digest(Array(encryptKey.utf8))
    }

    /// The plaintext of an `encrypt` field.
    public func decrypt(_ encrypted: String) throws(DecryptionFailure) -> [UInt8] {
        guard let data = Data(base64Encoded: encrypted) else { throw .badLength(0) }
        let bytes = [UInt8](data)
        guard bytes.count > AES256CBC.blockByteCount else { throw .badLength(max(0, bytes.count - AES256CBC.blockByteCount)) }
        return try AES256CBC.decrypt(Array(bytes.dropFirst(AES256CBC.blockByteCount)), key: key, iv: Array(bytes.prefix(AES256CBC.blockByteCount)))
    }

    /// An `encrypt` field for `plaintext`, as Feishu sends it (a random IV unless one is given).
    public func encrypt(_ plaintext: [UInt8], iv: [UInt8]? = nil) -> String {
        let iv = iv ?? (0..<AES256CBC.blockByteCount).map { _ in UInt8.random(in: 0...255) }
        return Data(iv + AES256CBC.encrypt(plaintext, key: key, iv: iv)).base64EncodedString()
    }
}

/// `X-Lark-Signature`: lowercase hex of plain SHA-256 over `timestamp ‖ nonce ‖ encrypt key ‖ raw body`.
public enum FeishuEventSignature {
    public static let timestampHeader = "x-lark-request-timestamp"
    public static let nonceHeader = "x-lark-request-nonce"
    public static let signatureHeader = "x-lark-signature"

    public static func signature(timestamp: String, nonce: String, encryptKey: String, body: [UInt8]) -> String {
        Hex.encode(SHA256.digest(Array(timestamp.utf8) + Array(nonce.utf8) + Array(encryptKey.utf8) + body))
    }

    /// Whether `presented` (hex, either case) is the signature of the request under one of `encryptKeys`, and
    /// that key's index. Every key's digest is computed once; each comparison is constant-time.
    public static func matchingKey(
        presented: String, timestamp: String, nonce: String, encryptKeys: [String], body: [UInt8]
    ) -> Int? {
        let presentedBytes = Array(presented.lowercased().utf8)
        var match: Int?
        for (index, key) in encryptKeys.enumerated() {
            let expected = Array(signature(timestamp: timestamp, nonce: nonce, encryptKey: key, body: body).utf8)
            if ConstantTime.equals(presentedBytes, expected), match == nil { match = index }
        }
        return match
    }
}
