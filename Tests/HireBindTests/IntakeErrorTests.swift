// IntakeErrorTests: every refusal of the intake is a 4xx JSON error and writes nothing.

import Foundation
import HireBind
import HireBindCore
import HireBindTesting
import NIOHTTP1
import Secrets
import Testing
import WebhookSignature

/// Every refusal of the intake is a 4xx (in router mode: the routes called in memory, no socket, no worker) with `{"error": {"code", "message"}}`, and writes nothing.
@Suite struct IntakeErrorTests {
    func expectNothingQueued(_ stack: Stack) async throws {
        let jobs = try await stack.admin("/v1/jobs")
        #expect((jobs.json["jobs"] as? [Any])?.isEmpty == true)
    }

    @Test func bodyOverTheLimitIs413() async throws {
        try await Stack.with(
            .init {
                $0.maxBodyBytes = 2048; $0.routerOnly = true
            }
        ) { stack in
            var event = Stack.event("evt-big")
            event["padding"] = String(repeating: "x", count: 4096)
            let answer = try await stack.postWebhook(Array(try JSONSerialization.data(withJSONObject: event)))
            #expect(answer.status == 413)
            #expect(answer.errorCode == "body_too_large")
            try await expectNothingQueued(stack)
        }
    }

    @Test func wrongContentTypeIs415() async throws {
        try await Stack.with(.init { $0.routerOnly = true }) { stack in
            let body = Array(try JSONSerialization.data(withJSONObject: Stack.event("evt-ct")))
            for contentType in ["text/plain", "application/x-www-form-urlencoded", nil] as [String?] {
                let answer = try await stack.postWebhook(body, contentType: contentType)
                #expect(answer.status == 415)
                #expect(answer.errorCode == "unsupported_media_type")
            }
            let charset = try await stack.postWebhook(body, contentType: "application/json; charset=utf-8")
            #expect(charset.status == 202)
        }
    }

    @Test func bodyThatIsNotJSONIs415() async throws {
        try await Stack.with(.init { $0.routerOnly = true }) { stack in
            for body in [Array("hello".utf8), [0xff, 0xfe, 0xfd], Array("{\"event_id\": ".utf8)] {
                let answer = try await stack.postWebhook(body)
                #expect(answer.status == 415)
                #expect(answer.errorCode == "not_json")
            }
            try await expectNothingQueued(stack)
        }
    }

    @Test func badOrMissingSignatureIs401() async throws {
        try await Stack.with(.init { $0.routerOnly = true }) { stack in
            let body = Array(try JSONSerialization.data(withJSONObject: Stack.event("evt-sig")))
            let missing = try await stack.postWebhook(body, sign: false)
            #expect(missing.status == 401)
            #expect(missing.errorCode == "invalid_signature")
            #expect(missing.errorMessage == "the 'webhook-id' header is missing")
            let forged = try await stack.postWebhook(body, signedWith: SigningSecret(key: Array(repeating: 1, count: 32)))
            #expect(forged.status == 401)
            let stale = try await stack.postWebhook(body, timestamp: Int64(Date().timeIntervalSince1970) - 600)
            #expect(stale.status == 401)
            #expect(stale.errorMessage?.contains("replay window") == true)
            let wrongLength = try await stack.postWebhook(
                body, extraHeaders: [("webhook-id", "m"), ("webhook-timestamp", "1"), ("webhook-signature", "v1,AAAA")], sign: false
            )
            #expect(wrongLength.status == 401)
            try await expectNothingQueued(stack)
        }
    }

    @Test func signatureErrorsNeverRevealTheSecret() async throws {
        try await Stack.with(.init { $0.routerOnly = true }) { stack in
            let body = Array(try JSONSerialization.data(withJSONObject: Stack.event("evt-leak")))
            let answer = try await stack.postWebhook(body, signedWith: SigningSecret(key: Array(repeating: 2, count: 32)))
            let text = String(describing: answer.json)
            #expect(!text.contains(stack.webhookSecret.standardWebhooksText))
            let expected = HMACSHA256.authenticationCode(key: stack.webhookSecret.key, message: body)
            #expect(!text.contains(Data(expected).base64EncodedString()))
        }
    }

    @Test func unknownSourceIs404() async throws {
        try await Stack.with(.init { $0.routerOnly = true }) { stack in
            let answer = try await stack.postWebhook(Array(try JSONSerialization.data(withJSONObject: Stack.event("evt-src"))), source: "bamboohr")
            #expect(answer.status == 404)
            #expect(answer.errorCode == "unknown_source")
        }
    }

    @Test(arguments: [
        ("event_id", "event_id"),
        ("event_type", "event_type"),
        ("employee.given_name", "employee.given_name"),
        ("employee.feishu_user_id", "employee.feishu_user_id"),
    ])
    func schemaErrorIs422NamingTheField(remove: String, field: String) async throws {
        try await Stack.with(.init { $0.routerOnly = true }) { stack in
            var event = Stack.event("evt-schema")
            let parts = remove.split(separator: ".").map(String.init)
            if parts.count == 1 {
                event[parts[0]] = nil
            } else {
                var employee = event["employee"] as! [String: Any]
                employee[parts[1]] = nil
                event["employee"] = employee
            }
            let answer = try await stack.postWebhook(event)
            #expect(answer.status == 422)
            #expect(answer.errorCode == "invalid_event")
            #expect(answer.errorMessage?.hasPrefix(field) == true)
            try await expectNothingQueued(stack)
        }
    }

    @Test func nameThatLeavesNothingIs422() async throws {
        try await Stack.with(.init { $0.routerOnly = true }) { stack in
            let answer = try await stack.postWebhook(Stack.event("evt-empty", given: "🙂", family: "!!"))
            #expect(answer.status == 422)
            #expect(answer.errorCode == "unusable_name")
            try await expectNothingQueued(stack)
        }
    }

    @Test func unknownRouteIsJSON404() async throws {
        try await Stack.with(.init { $0.routerOnly = true }) { stack in
            let answer = try await stack.admin("/nope")
            #expect(answer.status == 404)
            #expect(answer.errorCode == "not_found")
        }
    }

    @Test func adminAPINeedsTheToken() async throws {
        try await Stack.with(.init { $0.routerOnly = true }) { stack in
            let none = try await stack.admin("/v1/jobs", token: nil)
            #expect(none.status == 401)
            let wrong = try await stack.admin("/v1/jobs", token: "guess")
            #expect(wrong.status == 401)
            #expect(wrong.headers.first(name: "WWW-Authenticate") == "Bearer")
            let badStatus = try await stack.admin("/v1/jobs?status=whatever")
            #expect(badStatus.status == 400)
            let unknown = try await stack.admin("/v1/jobs/does-not-exist")
            #expect(unknown.status == 404)
            let health = try await stack.admin("/healthz", token: nil)
            #expect(health.status == 200)
            let ready = try await stack.admin("/readyz", token: nil)
            #expect(ready.status == 200)
        }
    }
}
