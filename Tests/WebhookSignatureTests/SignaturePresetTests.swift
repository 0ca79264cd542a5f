// SignaturePresetTests: each vendor preset against a signature computed by that vendor's documented rule.

import Testing
import WebhookSignature

/// Every expected value below was computed outside hirebind (Python's `hmac` module) by the vendor's documented
/// rule, quoted beside it; the presets must accept it, and refuse it once the body changes.
@Suite struct SignaturePresetTests {
    func secret(_ text: String) throws -> SigningSecret { try SigningSecret(utf8: text) }

    @Test func githubMatchesGitHubsDocumentedExample() throws {
        // GitHub's documentation on validating deliveries: secret "It's a Secret to Everybody", body "Hello, World!".
        let secret = try secret("It's a Secret to Everybody")
        let body = Array("Hello, World!".utf8)
        let value = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        try DeclaredHMACSignature.github.verify(headers: HeaderLookup([("X-Hub-Signature-256", value)]), body: body, secrets: [secret], now: 0)
        #expect(DeclaredHMACSignature.github.sign(body: body, secret: secret).last?.value == value)
        #expect(throws: SignatureFailure.noMatchingSignature) {
            try DeclaredHMACSignature.github.verify(
                headers: HeaderLookup([("x-hub-signature-256", value)]), body: body + [0x20], secrets: [secret], now: 0)
        }
    }

    @Test func bambooHRSignsTheBodyThenTheTimestamp() throws {
        // BambooHR: X-BambooHR-Signature = hex(HMAC-SHA256(private key, body ‖ X-BambooHR-Timestamp)).
        let secret = try secret("bamboo-private-key-0123456789abcdef")
        let body = Array(#"{"employees":[{"id":"123","action":"Created"}]}"#.utf8)
        let headers = HeaderLookup([
            ("X-BambooHR-Timestamp", "1764662400"),
            ("X-BambooHR-Signature", "aacaeecb8991fd11079e446a69d062d32596aa8fd99597da13aab364d7899245"),
        ])
        try DeclaredHMACSignature.bambooHR.verify(headers: headers, body: body, secrets: [secret], now: 1_764_662_400 + 299)
        #expect(DeclaredHMACSignature.bambooHR.hasReplayWindow)
        #expect(throws: SignatureFailure.timestampOutsideTolerance(skewSeconds: 301, toleranceSeconds: 300)) {
            try DeclaredHMACSignature.bambooHR.verify(headers: headers, body: body, secrets: [secret], now: 1_764_662_400 + 301)
        }
        // The timestamp is signed: moving it into the window breaks the signature.
        let moved = HeaderLookup([
            ("X-BambooHR-Timestamp", "1764662401"),
            ("X-BambooHR-Signature", "aacaeecb8991fd11079e446a69d062d32596aa8fd99597da13aab364d7899245"),
        ])
        #expect(throws: SignatureFailure.noMatchingSignature) {
            try DeclaredHMACSignature.bambooHR.verify(headers: moved, body: body, secrets: [secret], now: 1_764_662_400)
        }
    }

    @Test func hiBobIsBase64HMACSHA512OfTheBody() throws {
        // HiBob: Bob-Signature = base64(HMAC-SHA512(secret, body)).
        let secret = try secret("hibob-webhook-secret-0123456789")
        let body = Array(#"{"type":"employee.created","employee":{"id":"3332883884017713238"}}"#.utf8)
        let value = "ZO0ekkeJ1YZeFfmrTk96jCbmLsssirhzqkoAV//Bbnz9kxbFRJ3lWESolnLkjbZ649hxo8UTr1P5Y05A/5VrnQ=="
        try DeclaredHMACSignature.hiBob.verify(headers: HeaderLookup([("Bob-Signature", value)]), body: body, secrets: [secret], now: 0)
        #expect(!DeclaredHMACSignature.hiBob.hasReplayWindow)
        #expect(throws: SignatureFailure.noMatchingSignature) {
            try DeclaredHMACSignature.hiBob.verify(headers: HeaderLookup([("Bob-Signature", value)]), body: body + [0x0a], secrets: [secret], now: 0)
        }
    }

    @Test func greenhouseIsSHA256SpaceHex() throws {
        // Greenhouse: Signature: "sha256 " + hex(HMAC-SHA256(secret key, body)).
        let secret = try secret("greenhouse-secret-key-0123456789")
        let body = Array(#"{"action":"hire_candidate","payload":{"application":{"id":1}}}"#.utf8)
        let value = "sha256 0f4fcc15cb4a4035a1cba084b52f51aec8caf36a1b7d77cae052e5c6d4221638"
        try DeclaredHMACSignature.greenhouse.verify(headers: HeaderLookup([("Signature", value)]), body: body, secrets: [secret], now: 0)
        // GitHub's '=' is not Greenhouse's space.
        let equals = "sha256=0f4fcc15cb4a4035a1cba084b52f51aec8caf36a1b7d77cae052e5c6d4221638"
        #expect(throws: SignatureFailure.malformedHeader("Signature", reason: "expected 'sha256 <hex>'")) {
            try DeclaredHMACSignature.greenhouse.verify(headers: HeaderLookup([("Signature", equals)]), body: body, secrets: [secret], now: 0)
        }
    }

    @Test func deelSignsPOSTThenTheBody() throws {
        // Deel: x-deel-signature = hex(HMAC-SHA256(signing key, "POST" ‖ body)).
        let secret = try secret("deel-signing-key-0123456789abcdef")
        let body = Array(#"{"data":{"meta":{"event_type":"contract.created"}}}"#.utf8)
        let value = "802fa1f8d738418d3da2e5c0cc4514f33a1365be0c94c31abf39692a43f9e653"
        try DeclaredHMACSignature.deel.verify(headers: HeaderLookup([("x-deel-signature", value)]), body: body, secrets: [secret], now: 0)
        // The same MAC without the method prefix is not Deel's.
        #expect(throws: SignatureFailure.noMatchingSignature) {
            try DeclaredHMACSignature.github.verify(
                headers: HeaderLookup([("X-Hub-Signature-256", "sha256=" + value)]), body: body, secrets: [secret], now: 0)
        }
    }

    @Test func personioComparesTheWholeAuthorizationValue() throws {
        let token = try secret("personio-webhook-token-0123456789")
        try StaticToken.personio.verify(
            headers: HeaderLookup([("Authorization", "personio-webhook-token-0123456789")]), body: [], secrets: [token], now: 0)
        #expect(throws: SignatureFailure.wrongCredentials) {
            try StaticToken.personio.verify(
                headers: HeaderLookup([("Authorization", "personio-webhook-token-012345678")]), body: [], secrets: [token], now: 0)
        }
        #expect(throws: SignatureFailure.missingHeader("Authorization")) {
            try StaticToken.personio.verify(headers: HeaderLookup([]), body: [], secrets: [token], now: 0)
        }
    }

    @Test func bearerTokenNeedsItsPrefixAndAcceptsEitherSecretOfARotation() throws {
        let old = try secret("old-token-0123456789abcdef")
        let new = try secret("new-token-0123456789abcdef")
        let scheme = StaticToken()
        try scheme.verify(headers: HeaderLookup([scheme.sign(secret: old)]), body: [], secrets: [new, old], now: 0)
        try scheme.verify(headers: HeaderLookup([("authorization", "bearer new-token-0123456789abcdef")]), body: [], secrets: [new, old], now: 0)
        #expect(throws: SignatureFailure.malformedHeader("Authorization", reason: "expected 'Bearer <token>'")) {
            try scheme.verify(headers: HeaderLookup([("Authorization", "new-token-0123456789abcdef")]), body: [], secrets: [new], now: 0)
        }
    }

    @Test func workdayBasicCredentials() throws {
        // RFC 7617: "Basic " + base64("workday-isu:basic-password-0123456789").
        let password = try secret("basic-password-0123456789")
        let scheme = BasicCredentials(username: "workday-isu")
        let value = "Basic d29ya2RheS1pc3U6YmFzaWMtcGFzc3dvcmQtMDEyMzQ1Njc4OQ=="
        try scheme.verify(headers: HeaderLookup([("Authorization", value)]), body: [], secrets: [password], now: 0)
        #expect(scheme.sign(password: password).value == value)
        #expect(throws: SignatureFailure.wrongCredentials) {
            try BasicCredentials(username: "someone-else").verify(
                headers: HeaderLookup([("Authorization", value)]), body: [], secrets: [password], now: 0)
        }
        #expect(throws: SignatureFailure.malformedHeader("Authorization", reason: "expected 'Basic base64(username:password)'")) {
            try scheme.verify(headers: HeaderLookup([("Authorization", "Basic !!!")]), body: [], secrets: [password], now: 0)
        }
    }

    @Test func declaredSchemeWithMillisecondTimestampIdAndSeveralSignatures() throws {
        // A sender of our own description: base64 HMAC-SHA1 of "{timestamp}:{id}:{body}", timestamps in ms,
        // "v1=" entries separated by commas.
        let secret = try secret("generic-hmac-secret-0123456789ab")
        let scheme = DeclaredHMACSignature(
            header: "X-Sig", prefix: "v1=", separator: ",", algorithm: .sha1, encoding: .base64,
            signedContent: try SignedContentTemplate("{timestamp}:{id}:{body}"), timestampHeader: "X-Time", timestampUnit: .milliseconds,
            toleranceSeconds: 60, idHeader: "X-Id")
        let headers = HeaderLookup([
            ("X-Time", "1764662400123"), ("X-Id", "evt_1"), ("X-Sig", "v1=bm90IGl0,v1=kXqVHV6xTO2Vc5pMXtPLsjDO2VI="),
        ])
        try scheme.verify(headers: headers, body: Array(#"{"a":1}"#.utf8), secrets: [secret], now: 1_764_662_410)
        #expect(throws: SignatureFailure.timestampOutsideTolerance(skewSeconds: 61, toleranceSeconds: 60)) {
            try scheme.verify(headers: headers, body: Array(#"{"a":1}"#.utf8), secrets: [secret], now: 1_764_662_461)
        }
        #expect(throws: SignatureFailure.missingHeader("X-Id")) {
            try scheme.verify(
                headers: HeaderLookup([("X-Time", "1764662400123"), ("X-Sig", "v1=x")]), body: [], secrets: [secret], now: 1_764_662_400)
        }
        let signed = scheme.sign(body: Array(#"{"a":1}"#.utf8), secret: secret, timestamp: 1_764_662_400, id: "evt_1")
        try scheme.verify(headers: HeaderLookup(signed), body: Array(#"{"a":1}"#.utf8), secrets: [secret], now: 1_764_662_400)
    }

    @Test func headersOfThousandsOfSignaturesAreRefusedUnread() throws {
        let scheme = DeclaredHMACSignature(header: "X-Sig", separator: " ", signedContent: try SignedContentTemplate("{body}"))
        let many = Array(repeating: "00", count: 17).joined(separator: " ")
        #expect(throws: SignatureFailure.malformedHeader("X-Sig", reason: "more than 16 signatures")) {
            try scheme.verify(headers: HeaderLookup([("X-Sig", many)]), body: [], secrets: [], now: 0)
        }
        #expect(throws: SignatureFailure.malformedHeader("X-Sig", reason: "longer than 4096 bytes")) {
            try scheme.verify(headers: HeaderLookup([("X-Sig", String(repeating: "a", count: 4097))]), body: [], secrets: [], now: 0)
        }
    }
}

@Suite struct HMACAlgorithmTests {
    /// RFC 2202 and RFC 4231, test case 2 ("Jefe").
    @Test func sha1AndSHA512() {
        let key = Array("Jefe".utf8)
        let data = Array("what do ya want for nothing?".utf8)
        #expect(Hex.encode(HMACAlgorithm.sha1.authenticationCode(key: key, message: data)) == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
        #expect(
            Hex.encode(HMACAlgorithm.sha512.authenticationCode(key: key, message: data))
                == "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
        )
        #expect(HMACAlgorithm.allCases.map { $0.authenticationCode(key: key, message: data).count } == HMACAlgorithm.allCases.map(\.byteCount))
    }
}

@Suite struct SignedContentTemplateTests {
    @Test func rendersPlaceholdersAndLiterals() throws {
        let template = try SignedContentTemplate("{method} {id}.{timestamp}.{body}{{x}}")
        #expect(template.render(body: Array("B".utf8), timestamp: "T", id: "I") == Array("POST I.T.B{x}".utf8))
    }

    @Test(arguments: ["{timestamp}", "{body", "{bodies}", "body}"]) func refusesUnsafeOrBrokenTemplates(_ text: String) {
        #expect(throws: SignedContentTemplateError.self) { try SignedContentTemplate(text) }
    }
}

@Suite struct ClientAllowListTests {
    @Test func matchesIPv4AndIPv6Networks() throws {
        let list = try ClientAllowList(["10.1.0.0/16", "192.0.2.7", "2001:db8::/32"])
        #expect(list.allows("10.1.200.3"))
        #expect(!list.allows("10.2.0.1"))
        #expect(list.allows("192.0.2.7"))
        #expect(!list.allows("192.0.2.8"))
        #expect(list.allows("2001:db8:ffff::1"))
        #expect(!list.allows("2001:db9::1"))
        #expect(list.allows("::ffff:10.1.0.9"))
        #expect(!list.allows("unknown"))
        #expect(try ClientAllowList([]).allows("203.0.113.1"))
    }

    @Test(arguments: ["10.0.0.0/33", "10.0.0/8", "example.com", "::1/129", "10.0.0.0/"])
    func refusesWhatIsNotANetwork(_ entry: String) {
        #expect(throws: ClientAllowListError.self) { try ClientAllowList([entry]) }
    }
}
