// FuzzSignatureHeader: the signature headers of every scheme, parsed and checked on arbitrary bytes.

import FuzzReplay
import WebhookSignature

/// One input: the first line is the header value, the rest the body. Every scheme must answer by returning or
/// throwing, never by crashing, however the header is made.
func fuzzOne(_ bytes: [UInt8]) {
    let split = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
    let header = String(decoding: bytes[..<split], as: UTF8.self)
    let body = Array(bytes[min(split + 1, bytes.endIndex)...])
    let secret = SigningSecret(key: Array("fuzzing secret fuzzing secret 32".utf8))
    let standard = HeaderLookup([("webhook-id", "msg_fuzz"), ("webhook-timestamp", "1764662400"), ("webhook-signature", header)])
    _ = try? StandardWebhooks().verify(headers: standard, body: body, secrets: [secret, secret], now: 1_764_662_400)
    // Every declared preset, its signature header (and timestamp, where it has one) set to the input.
    for preset in [DeclaredHMACSignature.github, .bambooHR, .hiBob, .greenhouse, .deel] {
        let lookup = HeaderLookup([(preset.header, header)] + (preset.timestampHeader.map { [($0, "0")] } ?? []))
        _ = try? preset.verify(headers: lookup, body: body, secrets: [secret], now: 0)
    }
    let several = DeclaredHMACSignature(
        header: "sig", prefix: "v1=", separator: ",", encoding: .base64, signedContent: try! SignedContentTemplate("{body}"))
    _ = try? several.verify(headers: HeaderLookup([("sig", header)]), body: body, secrets: [secret, secret], now: 0)
    _ = try? StaticToken().verify(headers: HeaderLookup([("Authorization", header)]), body: body, secrets: [secret], now: 0)
    _ = try? BasicCredentials(username: "hr").verify(headers: HeaderLookup([("Authorization", header)]), body: body, secrets: [secret], now: 0)
    _ = try? SignedContentTemplate(header)
    _ = (try? ClientAllowList([header]))?.allows(header)
    _ = try? FeishuEventCipher(encryptKey: "fuzz").decrypt(header)
}

@main struct Fuzz {
    static func main() { FuzzReplay.main(fuzzOne) }
}
