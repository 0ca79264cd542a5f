// HMACSHA256: HMAC-SHA256 by OpenSSL's libcrypto, and the constant-time compare.

import COpenSSL

/// HMAC-SHA256 computed by OpenSSL's libcrypto.
public enum HMACSHA256 {
    /// Length of an HMAC-SHA256 tag in bytes.
    public static let byteCount = 32

    /// Computes HMAC-SHA256 of `message` under `key`.
    public static func authenticationCode(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var outputLength: UInt32 = 0
        // OpenSSL reads no bytes for a zero length, but wants non-null pointers: pad empty inputs.
        let keyBytes = key.isEmpty ? [0] : key
        let messageBytes = message.isEmpty ? [0] : message
        let result = keyBytes.withUnsafeBufferPointer { keyPointer in
            messageBytes.withUnsafeBufferPointer { messagePointer in
                output.withUnsafeMutableBufferPointer { out in
                    HMAC(
                        EVP_sha256(),
                        keyPointer.baseAddress,
                        Int32(key.count),
                        messagePointer.baseAddress,
                        message.count,
                        out.baseAddress,
                        &outputLength
                    )
                }
            }
        }
        precondition(result != nil, "OpenSSL HMAC-SHA256 failed")
        return Array(output.prefix(Int(outputLength)))
    }
}

/// Comparisons whose running time does not depend on where the inputs differ.
public enum ConstantTime {
    /// True when both byte sequences are equal. Lengths are compared first (a length is not secret);
    /// the contents are compared with OpenSSL's `CRYPTO_memcmp`.
    public static func equals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        guard !lhs.isEmpty else { return true }
        return lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in
                CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
            }
        }
    }
}
