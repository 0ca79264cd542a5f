// AES256CBC: AES-256-CBC with strict PKCS#7 padding, by OpenSSL's libcrypto (EVP).

import COpenSSL

/// Why a ciphertext could not be decrypted. Never shows key or plaintext bytes.
public enum DecryptionFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case badLength(Int)
    case badPadding
    case cipherFailed

    public var description: String {
        switch self {
        case .badLength(let count): "the ciphertext is \(count) bytes, not a positive multiple of 16 after a 16-byte IV"
        case .badPadding: "the decrypted data does not end in valid PKCS#7 padding (wrong key, or a damaged body)"
        case .cipherFailed: "OpenSSL could not run AES-256-CBC"
        }
    }
}

/// AES-256-CBC through OpenSSL's EVP interface. Padding is PKCS#7, checked strictly here: the last byte is 1–16
/// and every padding byte equals it.
public enum AES256CBC {
    public static let keyByteCount = 32
    public static let blockByteCount = 16

    public static func decrypt(_ ciphertext: [UInt8], key: [UInt8], iv: [UInt8]) throws(DecryptionFailure) -> [UInt8] {
        precondition(key.count == keyByteCount && iv.count == blockByteCount)
        guard !ciphertext.isEmpty, ciphertext.count % blockByteCount == 0 else { throw .badLength(ciphertext.count) }
        let plain = try run(ciphertext, key: key, iv: iv, encrypt: false)
        guard let last = plain.last, (1...blockByteCount).contains(Int(last)), plain.count >= Int(last) else { throw .badPadding }
        // Every padding byte must equal the count: OR the differences, so the check takes the same time for any pad.
        var difference: UInt8 = 0
        for byte in plain.suffix(Int(last)) { difference |= byte ^ last }
        guard difference == 0 else { throw .badPadding }
        return Array(plain.dropLast(Int(last)))
    }

    public static func encrypt(_ plaintext: [UInt8], key: [UInt8], iv: [UInt8]) -> [UInt8] {
        precondition(key.count == keyByteCount && iv.count == blockByteCount)
        let pad = blockByteCount - plaintext.count % blockByteCount
        // Encryption of a well-formed input cannot fail short of OpenSSL itself failing.
        return (try? run(plaintext + [UInt8](repeating: UInt8(pad), count: pad), key: key, iv: iv, encrypt: true)) ?? []
    }

    /// One pass of the cipher with OpenSSL's own padding off (the input is whole blocks).
    static func run(_ input: [UInt8], key: [UInt8], iv: [UInt8], encrypt: Bool) throws(DecryptionFailure) -> [UInt8] {
        guard let context = EVP_CIPHER_CTX_new() else { throw .cipherFailed }
        defer { EVP_CIPHER_CTX_free(context) }
        let initialised = key.withUnsafeBufferPointer { keyPointer in
            iv.withUnsafeBufferPointer { ivPointer in
                EVP_CipherInit_ex(context, EVP_aes_256_cbc(), nil, keyPointer.baseAddress, ivPointer.baseAddress, encrypt ? 1 : 0)
            }
        }
        guard initialised == 1, EVP_CIPHER_CTX_set_padding(context, 0) == 1 else { throw .cipherFailed }
        var output = [UInt8](repeating: 0, count: input.count + blockByteCount)
        var written: Int32 = 0
        var finalWritten: Int32 = 0
        let updated = input.withUnsafeBufferPointer { inPointer in
            output.withUnsafeMutableBufferPointer { outPointer in
                EVP_CipherUpdate(context, outPointer.baseAddress, &written, inPointer.baseAddress, Int32(input.count))
            }
        }
        guard updated == 1 else { throw .cipherFailed }
        let finished = output.withUnsafeMutableBufferPointer { outPointer in
            EVP_CipherFinal_ex(context, outPointer.baseAddress! + Int(written), &finalWritten)
        }
        guard finished == 1 else { throw .cipherFailed }
        return Array(output.prefix(Int(written + finalWritten)))
    }
}
