// HMACAlgorithm: HMAC-SHA1, HMAC-SHA256 and HMAC-SHA512 by OpenSSL's libcrypto.

import COpenSSL

/// The hash functions an HMAC signature may use; every MAC is computed by OpenSSL's libcrypto (`HMAC`).
public enum HMACAlgorithm: String, Sendable, CaseIterable, Codable {
    /// Still used by older senders; refused nowhere, but `check-config` never advises it.
    case sha1
    case sha256
    case sha512

    /// Length of a tag in bytes.
    public var byteCount: Int {
        switch self {
        case .sha1: 20
        case .sha256: 32
        case .sha512: 64
        }
    }

    /// Computes the HMAC of `message` under `key`.
    public func authenticationCode(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var outputLength: UInt32 = 0
        // OpenSSL reads no bytes for a zero length, but wants non-null pointers: pad empty inputs.
        let keyBytes = key.isEmpty ? [0] : key
        let messageBytes = message.isEmpty ? [0] : message
        let digest: OpaquePointer? =
            switch self {
            case .sha1: EVP_sha1()
            case .sha256: EVP_sha256()
            case .sha512: EVP_sha512()
            }
        let result = keyBytes.withUnsafeBufferPointer { keyPointer in
            messageBytes.withUnsafeBufferPointer { messagePointer in
                output.withUnsafeMutableBufferPointer { out in
                    HMAC(digest, keyPointer.baseAddress, Int32(key.count), messagePointer.baseAddress, message.count, out.baseAddress, &outputLength)
                }
            }
        }
        precondition(result != nil, "OpenSSL HMAC-\(rawValue) failed")
        return Array(output.prefix(Int(outputLength)))
    }
}

/// HMAC-SHA256, the algorithm of Standard Webhooks and of hirebind's own callbacks.
public enum HMACSHA256 {
    /// Length of an HMAC-SHA256 tag in bytes.
    public static let byteCount = 32

    /// Computes HMAC-SHA256 of `message` under `key`.
    public static func authenticationCode(key: [UInt8], message: [UInt8]) -> [UInt8] {
        HMACAlgorithm.sha256.authenticationCode(key: key, message: message)
    }
}
