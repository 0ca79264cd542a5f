// StandardWebhooksTests: Standard Webhooks against its reference vector, and the replay window.

import Foundation
import Testing
import WebhookSignature

@Suite struct StandardWebhooksTests {
    let scheme = StandardWebhooks(toleranceSeconds: 300)
    let secret = try! SigningSecret(standardWebhooks: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    let timestamp: UnixTime = 1_614_265_330
    let body = Array(#"{"test": 2432232314}"#.utf8)

    func headers(id: String? = nil, timestamp: String? = nil, signature: String) -> HeaderLookup {
        HeaderLookup([
            ("webhook-id", id ?? self.id),
            ("webhook-timestamp", timestamp ?? String(self.timestamp)),
            ("webhook-signature", signature),
        ])
    }

    /// The reference vector published with the Standard Webhooks libraries.
    @Test func referenceVector() throws {
        let signed = StandardWebhooks.sign(id: id, timestamp: timestamp, body: body, secret: secret)
        #expect(signed.first { $0.name == "webhook-signature" }?.value == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        try scheme.verify(headers: HeaderLookup(signed), body: body, secrets: [secret], now: timestamp)
    }

    @Test func changedBodyFails() {
        var tampered = body
        tampered[3] ^= 0x01
        let signed = StandardWebhooks.sign(id: id, timestamp: timestamp, body: body, secret: secret)
        #expect(throws: SignatureFailure.noMatchingSignature) {
            try scheme.verify(headers: HeaderLookup(signed), body: tampered, secrets: [secret], now: timestamp)
        }
    }

    @Test func changedIdFails() {
        let signature = StandardWebhooks.sign(id: id, timestamp: timestamp, body: body, secret: secret)[2].value
        #expect(throws: SignatureFailure.noMatchingSignature) {
            try scheme.verify(headers: headers(id: id + "x", signature: signature), body: body, secrets: [secret], now: timestamp)
        }
    }

    @Test func changedTimestampFails() {
        let signature = StandardWebhooks.sign(id: id, timestamp: timestamp, body: body, secret: secret)[2].value
        #expect(throws: SignatureFailure.noMatchingSignature) {
            try scheme.verify(headers: headers(timestamp: String(timestamp + 1), signature: signature), body: body, secrets: [secret], now: timestamp)
        }
    }

    @Test(arguments: [-301, 301, -86_400, 10_000_000])
    func timestampOutsideWindowFails(offset: Int64) {
        let signed = StandardWebhooks.sign(id: id, timestamp: timestamp + offset, body: body, secret: secret)
        #expect(throws: SignatureFailure.timestampOutsideTolerance(skewSeconds: abs(offset), toleranceSeconds: 300)) {
            try scheme.verify(headers: HeaderLookup(signed), body: body, secrets: [secret], now: timestamp)
        }
    }

    @Test(arguments: [-300, -1, 0, 1, 300])
    func timestampInsideWindowPasses(offset: Int64) throws {
        let signed = StandardWebhooks.sign(id: id, timestamp: timestamp + offset, body: body, secret: secret)
        try scheme.verify(headers: HeaderLookup(signed), body: body, secrets: [secret], now: timestamp)
    }

    @Test func severalSignaturesOneValid() throws {
        let good = StandardWebhooks.sign(id: id, timestamp: timestamp, body: body, secret: secret)[2].value
        let other = try SigningSecret(standardWebhooks: "whsec_" + Data(repeating: 7, count: 24).base64EncodedString())
        let bad = StandardWebhooks.sign(id: id, timestamp: timestamp, body: body, secret: other)[2].value
        let header = "v2,abc \(bad) \(good)"
        try scheme.verify(headers: headers(signature: header), body: body, secrets: [secret], now: timestamp)
    }

    /// A header listing thousands of signatures once cost one HMAC over the body per entry and secret; now the
    /// header is refused unread past a few kilobytes or sixteen entries.
    @Test func aFloodOfSignaturesIsRefusedWithoutComputingThem() {
        let flood = Array(repeating: "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", count: 2000).joined(separator: " ")
        #expect(throws: SignatureFailure.self) {
            try scheme.verify(headers: headers(signature: flood), body: body, secrets: [secret], now: timestamp)
        }
        let seventeen = Array(repeating: "v1,AAAA", count: 17).joined(separator: " ")
        #expect(throws: SignatureFailure.self) {
            try scheme.verify(headers: headers(signature: seventeen), body: body, secrets: [secret], now: timestamp)
        }
        // Sixteen entries, the valid one last, still verify.
        let good = StandardWebhooks.sign(id: id, timestamp: timestamp, body: body, secret: secret)[2].value
        let sixteen = (Array(repeating: "v1,AAAA", count: 15) + [good]).joined(separator: " ")
        #expect(throws: Never.self) { try scheme.verify(headers: headers(signature: sixteen), body: body, secrets: [secret], now: timestamp) }
    }

    @Test func rotationAcceptsAnyActiveSecret() throws {
        let old = try SigningSecret(standardWebhooks: "whsec_" + Data(repeating: 1, count: 32).base64EncodedString())
        let new = try SigningSecret(standardWebhooks: "whsec_" + Data(repeating: 2, count: 32).base64EncodedString())
        for signer in [old, new] {
            let signed = StandardWebhooks.sign(id: id, timestamp: timestamp, body: body, secret: signer)
            try scheme.verify(headers: HeaderLookup(signed), body: body, secrets: [new, old], now: timestamp)
        }
        let retired = try SigningSecret(standardWebhooks: "whsec_" + Data(repeating: 3, count: 32).base64EncodedString())
        let signed = StandardWebhooks.sign(id: id, timestamp: timestamp, body: body, secret: retired)
        #expect(throws: SignatureFailure.noMatchingSignature) {
            try scheme.verify(headers: HeaderLookup(signed), body: body, secrets: [new, old], now: timestamp)
        }
    }

    @Test func missingAndMalformedHeaders() {
        #expect(throws: SignatureFailure.missingHeader("webhook-id")) {
            try scheme.verify(headers: HeaderLookup([]), body: body, secrets: [secret], now: timestamp)
        }
        #expect(throws: SignatureFailure.malformedHeader("webhook-timestamp", reason: "must be whole seconds since 1970")) {
            try scheme.verify(headers: headers(timestamp: "yesterday", signature: "v1,AAAA"), body: body, secrets: [secret], now: timestamp)
        }
        #expect(throws: SignatureFailure.malformedHeader("webhook-signature", reason: "expected one or more 'v1,<base64>' entries")) {
            try scheme.verify(headers: headers(signature: "sha256=abcdef"), body: body, secrets: [secret], now: timestamp)
        }
        let repeated = HeaderLookup([("webhook-id", id), ("Webhook-Id", id)])
        #expect(throws: SignatureFailure.repeatedHeader("webhook-id")) {
            try scheme.verify(headers: repeated, body: body, secrets: [secret], now: timestamp)
        }
    }

    @Test func signatureOfWrongLengthFails() {
        let short = "v1," + Data(repeating: 0, count: 16).base64EncodedString()
        #expect(throws: SignatureFailure.noMatchingSignature) {
            try scheme.verify(headers: headers(signature: short), body: body, secrets: [secret], now: timestamp)
        }
    }

    @Test func secretParsingAndRedaction() throws {
        #expect(throws: SigningSecretError.self) { try SigningSecret(standardWebhooks: "whsec_!!!") }
        #expect(throws: SigningSecretError.self) { try SigningSecret(standardWebhooks: "whsec_") }
        #expect(secret.standardWebhooksText == "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        #expect("\(secret)" == "SigningSecret(redacted)")
        #expect(!String(reflecting: secret).contains("MfKQ"))
    }
}
