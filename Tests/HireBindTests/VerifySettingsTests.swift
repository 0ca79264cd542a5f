// VerifySettingsTests: `scheme:` presets and `verify:` blocks, as read from YAML, and what check-config says.

import Foundation
import HireBind
import Testing
import WebhookSignature

@Suite struct VerifySettingsTests {
    /// A configuration with one source `hr` whose lines are `source` (indented under it).
    static func configuration(_ source: String) throws(ConfigurationError) -> HireBindConfiguration {
        let indented = source.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
        return try HireBindConfiguration.parse(
            yaml: """
                sources:
                  hr:
                \(indented)
                naming: {domain: example.com}
                feishu: {admin_account: a@example.com, user_access_token: {env: T}}
                callbacks: {secret: {env: CB}}
                """)
    }

    static func scheme(_ source: String) throws -> any WebhookSignatureScheme {
        let settings = try #require(try configuration(source).sources["hr"])
        return try #require(try settings.signatureScheme(source: "hr"))
    }

    static func error(_ source: String) -> ConfigurationError? {
        do {
            _ = try configuration(source)
            return nil
        } catch {
            return error
        }
    }

    @Test func aPresetNameIsEnough() throws {
        #expect(try Self.scheme("scheme: bamboohr\nsecrets: [{env: S}]") as? DeclaredHMACSignature == .bambooHR)
        #expect(try Self.scheme("scheme: hibob\nsecrets: [{env: S}]") as? DeclaredHMACSignature == .hiBob)
        #expect(try Self.scheme("scheme: greenhouse\nsecrets: [{env: S}]") as? DeclaredHMACSignature == .greenhouse)
        #expect(try Self.scheme("scheme: deel\nsecrets: [{env: S}]") as? DeclaredHMACSignature == .deel)
        #expect(try Self.scheme("scheme: github\nsecrets: [{env: S}]") as? DeclaredHMACSignature == .github)
        #expect(try Self.scheme("scheme: hub-signature-256\nsecrets: [{env: S}]") as? DeclaredHMACSignature == .github)
        #expect(try Self.scheme("scheme: personio\nsecrets: [{env: S}]") as? StaticToken == .personio)
        #expect(try Self.scheme("scheme: standard-webhooks\nsecrets: [{env: S}]") is StandardWebhooks)
        let workday = try Self.scheme("scheme: workday\nsecrets: [{env: S}]\nverify: {username: isu_hirebind}")
        #expect(workday as? BasicCredentials == BasicCredentials(username: "isu_hirebind"))
    }

    @Test func verifyKeysOverrideThePreset() throws {
        let scheme = try Self.scheme(
            """
            scheme: bamboohr
            secrets: [{env: S}]
            tolerance_seconds: 120
            verify: {header: X-Alt-Signature, encoding: base64}
            """)
        var expected = DeclaredHMACSignature.bambooHR
        expected.header = "X-Alt-Signature"
        expected.encoding = .base64
        expected.toleranceSeconds = 120
        #expect(scheme as? DeclaredHMACSignature == expected)
    }

    @Test func aGenericHMACSourceIsDescribedWhole() throws {
        let scheme = try Self.scheme(
            """
            scheme: hmac
            secrets: [{env: S}]
            verify:
              header: X-Signature
              prefix: "t1="
              separator: ","
              algorithm: sha512
              encoding: base64
              signed: "{timestamp}.{id}.{body}"
              timestamp_header: X-Timestamp
              timestamp_unit: milliseconds
              id_header: X-Delivery
            """)
        let declared = try #require(scheme as? DeclaredHMACSignature)
        #expect(declared.header == "X-Signature" && declared.prefix == "t1=" && declared.separator == ",")
        #expect(declared.algorithm == .sha512 && declared.encoding == .base64 && declared.timestampUnit == .milliseconds)
        #expect(declared.signedContent.description == "{timestamp}.{id}.{body}")
        #expect(declared.hasReplayWindow)
    }

    @Test func refusalsNameTheKey() {
        #expect(Self.error("scheme: hmac\nsecrets: [{env: S}]")?.key == "sources.hr.verify.header")
        #expect(Self.error("scheme: hmac\nsecrets: [{env: S}]\nverify: {header: X, signed: \"{id}\"}")?.key == "sources.hr.verify.signed")
        #expect(
            Self.error("scheme: hmac\nsecrets: [{env: S}]\nverify: {header: X, signed: \"{timestamp}{body}\"}")?.key
                == "sources.hr.verify.timestamp_header")
        #expect(Self.error("scheme: standard-webhooks\nsecrets: [{env: S}]\nverify: {algorithm: sha1}")?.key == "sources.hr.verify.algorithm")
        #expect(Self.error("scheme: token\nsecrets: [{env: S}]\nverify: {encoding: hex}")?.key == "sources.hr.verify.encoding")
        #expect(Self.error("scheme: basic\nsecrets: [{env: S}]")?.key == "sources.hr.verify.username")
        #expect(Self.error("scheme: basic\nsecrets: [{env: S}]\nverify: {username: a, header: X}")?.key == "sources.hr.verify.header")
        #expect(Self.error("scheme: deel\nsecrets: [{env: S}]\nverify: {allow_ips: [10.0.0.0/40]}")?.key == "sources.hr.verify.allow_ips")
        #expect(Self.error("scheme: hibob")?.key == "sources.hr.secrets")
        #expect(Self.error("scheme: bamboo\nsecrets: [{env: S}]") != nil)
    }

    @Test func checkConfigWarnsForEverySchemeWithoutReplayWindow() throws {
        for scheme in ["github", "hibob", "greenhouse", "deel", "personio", "token"] {
            let advice = try Self.configuration("scheme: \(scheme)\nsecrets: [{env: S}]").advice()
            #expect(advice.contains { $0.hasPrefix("sources.hr: \(scheme)") && $0.contains("no replay window") }, "\(scheme)")
        }
        let workday = try Self.configuration("scheme: workday\nsecrets: [{env: S}]\nverify: {username: u}").advice()
        #expect(workday.contains { $0.contains("no replay window") && $0.contains("verify.allow_ips") })
        for scheme in ["bamboohr", "standard-webhooks"] {
            #expect(!(try Self.configuration("scheme: \(scheme)\nsecrets: [{env: S}]").advice()).contains { $0.contains("replay") }, "\(scheme)")
        }
    }

    static let callbackSecret = "whsec_" + Data(repeating: 9, count: 32).base64EncodedString()

    @Test func aShortTokenOrKeyIsRefused() throws {
        for scheme in ["bamboohr", "personio", "hibob"] {
            let configuration = try Self.configuration("scheme: \(scheme)\nsecrets: [{env: S}]")
            let error = try #require(throws: ConfigurationError.self) {
                try ServiceSecrets.resolve(configuration, environment: ["S": "short-secret", "CB": Self.callbackSecret, "T": "t"])
            }
            #expect(error.key == "sources.hr.secrets[0]")
            #expect(!error.message.contains("short-secret"))
            _ = try ServiceSecrets.resolve(
                configuration, environment: ["S": "a-secret-of-enough-bytes-0123", "CB": Self.callbackSecret, "T": "t"])
        }
    }
}
