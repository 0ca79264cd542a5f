// FeishuEventCryptoTests: Feishu's event encryption and signature, against the official vector.

import Foundation
import Testing

@testable import WebhookSignature

@Suite struct FeishuEventCryptoTests {
    @Test func theOfficialVectorDecrypts() throws {
        let plain = try FeishuEventCipher(encryptKey: "test key").decrypt("P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=")
        #expect(String(decoding: plain, as: UTF8.self) == "hello world")
    }

    @Test func encryptionRoundTrips() throws {
        let cipher = FeishuEventCipher(encryptKey: "an encrypt key")
        for length in [0, 1, 15, 16, 17, 1000] {
            let plain = (0..<length).map { UInt8($0 % 251) }
            #expect(try cipher.decrypt(cipher.encrypt(plain)) == plain)
        }
    }

    @Test func aWrongKeyOrDamagedBodyIsRefused() {
        let plain = Array(#"{"schema":"2.0"}"#.utf8)
        let encrypted = FeishuEventCipher(encryptKey: "right").encrypt(plain)
        // CBC has no integrity of its own: a wrong key fails on the padding, except when the random IV makes the
        // garbage end in valid padding (about 1 in 256); it never yields the plaintext. (The signature header is
        // what authenticates a Feishu event.)
        #expect((try? FeishuEventCipher(encryptKey: "wrong").decrypt(encrypted)) != plain)
        #expect(throws: DecryptionFailure.self) {
            try FeishuEventCipher(encryptKey: "wrong").decrypt("P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=")
        }
        let bytes = [UInt8](Data(base64Encoded: encrypted)!)
        let truncated = Data(bytes.dropLast(3)).base64EncodedString()
        #expect(throws: DecryptionFailure.self) { try FeishuEventCipher(encryptKey: "right").decrypt(truncated) }
        #expect(throws: DecryptionFailure.self) { try FeishuEventCipher(encryptKey: "right").decrypt("not base64!") }
        #expect(throws: DecryptionFailure.self) { try FeishuEventCipher(encryptKey: "right").decrypt(Data(bytes.prefix(16)).base64EncodedString()) }
    }

    @Test func badPaddingIsRefusedStrictly() throws {
        let key = SHA256.digest(Array("k".utf8))
        let iv = [UInt8](repeating: 7, count: 16)
        // A block whose last byte says 2 but whose padding bytes differ.
        var block = [UInt8](repeating: 0x41, count: 16)
        block[15] = 2
        block[14] = 3
        let ciphertext = try AES256CBC.run(block, key: key, iv: iv, encrypt: true)
        #expect(throws: DecryptionFailure.badPadding) { try AES256CBC.decrypt(ciphertext, key: key, iv: iv) }
        block[15] = 0
        #expect(throws: DecryptionFailure.badPadding) {
            try AES256CBC.decrypt(try AES256CBC.run(block, key: key, iv: iv, encrypt: true), key: key, iv: iv)
        }
        block[15] = 17
        #expect(throws: DecryptionFailure.badPadding) {
            try AES256CBC.decrypt(try AES256CBC.run(block, key: key, iv: iv, encrypt: true), key: key, iv: iv)
        }
    }

    @Test func sha256MatchesTheStandardVector() {
        #expect(Hex.encode(SHA256.digest(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func theSignatureIsPlainSHA256OverTimestampNonceKeyAndBody() {
        let body = Array(#"{"encrypt":"abc"}"#.utf8)
        let expected = Hex.encode(SHA256.digest(Array("1700000000".utf8) + Array("nonce".utf8) + Array("key".utf8) + body))
        #expect(FeishuEventSignature.signature(timestamp: "1700000000", nonce: "nonce", encryptKey: "key", body: body) == expected)
        let match = FeishuEventSignature.matchingKey(
            presented: expected.uppercased(), timestamp: "1700000000", nonce: "nonce", encryptKeys: ["old", "key"], body: body
        )
        #expect(match == 1)
        #expect(
            FeishuEventSignature.matchingKey(presented: expected, timestamp: "1700000001", nonce: "nonce", encryptKeys: ["key"], body: body) == nil)
    }
}
