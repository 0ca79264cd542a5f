// FetchSettingsTests: a source's fetch: block as read from YAML: what it takes, and the refusals that name the key.

import Foundation
import HireBind
import Testing
import WebhookSignature

@Suite struct FetchSettingsTests {
    static let map = "map: {event_type: {from: /type, hire: [created]}, employee: {employee_id: /data/id}}"

    static func configuration(_ fetch: String) throws(ConfigurationError) -> HireBindConfiguration {
        try VerifySettingsTests.configuration("scheme: hibob\nsecrets: [{env: S}]\n\(map)\n\(fetch)")
    }

    static func refusal(_ fetch: String) -> String? {
        do {
            _ = try configuration(fetch)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func aFetchBlockIsRead() throws {
        let configuration = try Self.configuration(
            """
            fetch:
              url: https://api.hibob.com/v1/people/{employee_id}
              method: POST
              body: '{"humanReadable": "REPLACE"}'
              headers: {Accept: application/json}
              auth: {type: basic, username: {env: HIBOB_USER}, password: {env: HIBOB_TOKEN}}
              map: {given_name: /firstName, family_name: /surname}
              when: always
              read_delay_seconds: 5
            """)
        let fetch = try #require(configuration.sources["hr"]?.fetch)
        #expect(fetch.method == .POST)
        #expect(fetch.when == .always)
        #expect(fetch.readDelaySeconds == 5)
        #expect(fetch.auth.username == .secret(.environment("HIBOB_USER")))
        #expect(fetch.map["family_name"] == FieldMapping(from: ["/surname"]))
        #expect(configuration.sources["hr"]?.rehire == .newAddress)
    }

    @Test func refusalsNameTheKey() {
        let name = "map: {given_name: /a, family_name: /b}"
        let cases: [(String, String)] = [
            ("fetch: {url: 'https://hr.example.com/people', \(name)}", "sources.hr.fetch.url: write {employee_id}"),
            ("fetch: {url: 'ftp://hr.example.com/{employee_id}', \(name)}", "sources.hr.fetch.url: an absolute http(s) URL"),
            ("fetch: {url: 'https://hr.example.com/{employee_id}', map: {given_name: /a}}", "sources.hr.fetch.map: map the person's name"),
            ("fetch: {url: 'https://hr.example.com/{employee_id}', body: '{}', \(name)}", "sources.hr.fetch.body: only a POST sends a body"),
            ("fetch: {url: 'https://hr.example.com/x', method: POST, body: '{\"id\": {employee_id}}', \(name)}", "sources.hr.fetch.body: not JSON"),
            (
                "fetch: {url: 'https://hr.example.com/{employee_id}', headers: {Authorization: Bearer x}, \(name)}",
                "sources.hr.fetch.headers.Authorization: credentials go under sources.hr.fetch.auth"
            ),
            ("fetch: {url: 'https://hr.example.com/{employee_id}', auth: {type: bearer}, \(name)}", "sources.hr.fetch.auth.token: required"),
            (
                "fetch: {url: 'https://hr.example.com/{employee_id}', auth: {type: bearer, token: {env: T}, client_id: x}, \(name)}",
                "sources.hr.fetch.auth.client_id: not read by auth type bearer"
            ),
            (
                "fetch: {url: 'https://hr.example.com/{employee_id}', auth: {type: oauth2, client_id: x, client_secret: {env: S}}, \(name)}",
                "sources.hr.fetch.auth.token_url: required"
            ),
            (
                "fetch: {url: 'https://hr.example.com/{employee_id}', map: {given_name: /a, family_name: /b, nickname: /c}}",
                "sources.hr.fetch.map.nickname: not an employee field"
            ),
            (
                "fetch: {url: 'https://hr.example.com/{employee_id}', map: {given_name: 'no-slash', family_name: /b}}",
                "sources.hr.fetch.map.given_name:"
            ),
        ]
        for (fetch, expected) in cases {
            let message = Self.refusal(fetch)
            #expect(message?.hasPrefix(expected) == true, "\(fetch) → \(message ?? "accepted")")
        }
    }

    @Test func aFetchNeedsAMapToFindTheIDAndNoFeishuSource() {
        let fetch = "fetch: {url: 'https://hr.example.com/{employee_id}', map: {full_name: /name}}"
        let noMap = VerifySettingsTests.error("scheme: hibob\nsecrets: [{env: S}]\n\(fetch)")
        #expect(noMap?.message.hasPrefix("sources.hr.fetch: needs the source's map:") == true, "\(noMap?.message ?? "")")
        let rehire = VerifySettingsTests.error("scheme: hibob\nsecrets: [{env: S}]\nrehire: reuse")
        #expect(rehire != nil)
    }

    /// An id-only map needs no name: without fetch, the same event is refused for its missing name.
    @Test func withFetchAnIDIsEnough() throws {
        let fetch = try Self.configuration("fetch: {url: 'https://hr.example.com/{employee_id}', map: {full_name: /name}}")
        let mapping = try EventMapping(try #require(fetch.sources["hr"]?.map), key: "m", reads: .idOnly)
        let body = Array(#"{"type": "created", "data": {"id": "E 1"}}"#.utf8)
        guard case .personToRead(_, let employeeID, _, _) = try mapping.map(body: body, headers: .init([])) else {
            Issue.record("not a read")
            return
        }
        #expect(employeeID == "E 1")
        let plain = try EventMapping(try #require(fetch.sources["hr"]?.map), key: "m")
        #expect(throws: EventMapping.Failure.self) { try plain.map(body: body, headers: .init([])) }
    }
}
