// SHA256: plain SHA-256 digests by OpenSSL's libcrypto.

import COpenSSL

/// SHA-256 computed by OpenSSL's libcrypto (`EVP_Digest`).
public enum SHA256 {
    public static let byteCount = 32

    public static func digest(_ message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let bytes = message.isEmpty ? [0] : message
        let result = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                EVP_Digest(input.baseAddress, message.count, out.baseAddress, &length, EVP_sha256(), nil)
            }
        }
        precondition(result == 1, "OpenSSL SHA-256 failed")
        return Array(output.prefix(Int(length)))
    }
}
