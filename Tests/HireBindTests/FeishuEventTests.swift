// FeishuEventTests: Feishu's event subscription as a source: challenge, signature, decryption, directory events to jobs.

import FeishuSandbox
import Foundation
import HireBind
import HireBindCore
import HireBindTesting
import NIOHTTP1
import Testing
import WebhookSignature

@Suite struct FeishuEventTests {
    static var person: [String: Any] {
        [
            "object": [
                "open_id": "ou_dir_zhangwei", "union_id": "on_dir_zhangwei", "user_id": "zhangwei", "name": "张伟", "en_name": "Wei Zhang",
                "nickname": "Big Wei", "email": "wei.zhang@example.com", "department_ids": ["od-engineering"], "employee_type": 1, "city": "Shanghai",
            ]
        ]
    }

    @Test func theChallengeIsAnsweredPlainAndEncryptedOnlyWithTheToken() async throws {
        try await Stack.with(.init { $0.routerOnly = true }) { stack in
            let challenge: [String: Any] = ["challenge": "c-123", "token": Stack.verificationToken, "type": "url_verification"]
            // Feishu signs no challenge, encrypted or not.
            let encrypted = try await stack.postFeishuEvent(challenge, signingKey: nil)
            #expect(encrypted.status == 200)
            #expect(encrypted.json["challenge"] as? String == "c-123")
            let plain = try await stack.postFeishuEvent(challenge, source: "feishu-plain", encryptKey: nil, signingKey: nil)
            #expect(plain.status == 200)
            #expect(plain.json["challenge"] as? String == "c-123")
            var forged = challenge
            forged["token"] = "guessed"
            let refused = try await stack.postFeishuEvent(forged, signingKey: nil)
            #expect(refused.status == 401)
            #expect(refused.errorCode == "invalid_token")
            #expect(refused.json["challenge"] == nil)
        }
    }

    @Test func forgedStaleAndDamagedEventsAreRefusedAndBindNothing() async throws {
        try await Stack.with(.init { $0.routerOnly = true }) { stack in
            let event = Stack.feishuEvent("contact.user.created_v3", event: Self.person)
            let badSignature = try await stack.postFeishuEvent(event, signingKey: "another key")
            #expect(badSignature.status == 401)
            #expect(badSignature.errorCode == "invalid_signature")
            let unsigned = try await stack.postFeishuEvent(event, signingKey: nil)
            #expect(unsigned.status == 401)
            let stale = try await stack.postFeishuEvent(event, timestamp: Int64(Date().timeIntervalSince1970) - 3600)
            #expect(stale.status == 401)
            #expect(stale.errorMessage?.contains("replay window") == true)
            let wrongToken = try await stack.postFeishuEvent(Stack.feishuEvent("contact.user.created_v3", token: "nope", event: Self.person))
            #expect(wrongToken.status == 401)
            #expect(wrongToken.errorCode == "invalid_token")
            // Encrypted under another key but signed with the right one: the padding cannot check out.
            let otherKey = try await stack.postFeishuEvent(event, encryptKey: "another key")
            #expect(otherKey.status == 400)
            #expect(otherKey.errorCode == "undecryptable")
            let encrypted = FeishuEventCipher(encryptKey: Stack.encryptKey).encrypt(Array(try JSONSerialization.data(withJSONObject: event)))
            let truncated = String(encrypted.dropLast(8))
            let truncatedAnswer = try await stack.postFeishuBody(Array(try JSONSerialization.data(withJSONObject: ["encrypt": truncated])))
            #expect(truncatedAnswer.status == 400)
            #expect(truncatedAnswer.errorCode == "undecryptable")
            let legacy: [String: Any] = ["uuid": "u1", "token": Stack.verificationToken, "type": "event_callback", "event": ["type": "user_add"]]
            let old = try await stack.postFeishuEvent(legacy)
            #expect(old.status == 400)
            #expect(old.errorCode == "unsupported_schema")
            #expect(old.errorMessage?.contains("2.0") == true)
            let notJSON = try await stack.postFeishuBody(Array("hello".utf8))
            #expect(notJSON.status == 415)
            let jobs = try await stack.admin("/v1/jobs")
            #expect((jobs.json["jobs"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func unknownEventTypesAreAcknowledgedCountedAndIgnored() async throws {
        try await Stack.with(.init { $0.routerOnly = true }) { stack in
            for type in ["contact.user.updated_v3", "im.message.receive_v1"] {
                let answer = try await stack.postFeishuEvent(Stack.feishuEvent(type, event: Self.person))
                #expect(answer.status == 200)
                #expect(answer.json["status"] as? String == "ignored")
            }
            let jobs = try await stack.admin("/v1/jobs")
            #expect((jobs.json["jobs"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func aPersonWhoCannotBeNamedIsAcknowledgedWithTheReason() async throws {
        try await Stack.with(.init { $0.routerOnly = true }) { stack in
            var person = Self.person
            var object = person["object"] as! [String: Any]
            object.removeValue(forKey: "open_id")
            person["object"] = object
            let answer = try await stack.postFeishuEvent(Stack.feishuEvent("contact.user.created_v3", event: person))
            #expect(answer.status == 200)
            #expect(answer.json["status"] as? String == "refused")
            #expect(answer.errorMessage?.contains("contact:user.base:readonly") == true)
            // Nothing is lost: the refusal is a failed job with the reason, and nothing is bound.
            let failed = try await stack.admin("/v1/jobs?status=failed").json["jobs"] as? [[String: Any]] ?? []
            #expect(failed.count == 1)
            #expect(failed.first?["id"] as? String == answer.json["job_id"] as? String)
            #expect(failed.first?["kind"] as? String == "refused")
            #expect(((failed.first?["last_error"] as? [String: Any])?["message"] as? String)?.contains("contact:user.base:readonly") == true)
        }
    }

    @Test func aCreatedPersonIsBoundOnceAndTheirDeletionUnbinds() async throws {
        try await Stack.with { stack in
            let created = Stack.feishuEvent("contact.user.created_v3", eventID: "evt-dir-1", event: Self.person)
            // Feishu delivers at least once, sometimes twice at the same moment.
            let body = Array(
                try JSONSerialization.data(
                    withJSONObject: [
                        "encrypt": FeishuEventCipher(encryptKey: Stack.encryptKey).encrypt(Array(try JSONSerialization.data(withJSONObject: created)))
                    ]))
            async let first = stack.postFeishuBody(body)
            async let second = stack.postFeishuBody(body)
            let answers = try await [first, second]
            #expect(answers.allSatisfy { $0.status == 200 })
            let jobIDs = Set(answers.compactMap { $0.json["job_id"] as? String })
            #expect(jobIDs.count == 1)
            let jobID = try #require(jobIDs.first)
            let detail = try await stack.finishedJob(jobID)
            let job = try #require(detail["job"] as? [String: Any])
            #expect(job["status"] as? String == "succeeded")
            // The id of feishu.user_id_type comes from the event: no lookup. The name is split by the surname table.
            #expect(job["feishu_user_id"] as? String == "ou_dir_zhangwei")
            #expect(job["exchange_account"] as? String == "wei.zhang@example.com")
            #expect(job["employee_id"] as? String == "ou_dir_zhangwei")
            // No HR callback exists for a directory source, and none is configured: none is attempted.
            #expect(detail["callback_status"] == nil)
            let again = try await stack.postFeishuEvent(created)
            #expect(again.json["job_id"] as? String == jobID)

            let deleted = try await stack.postFeishuEvent(Stack.feishuEvent("contact.user.deleted_v3", eventID: "evt-dir-2", event: Self.person))
            #expect(deleted.status == 200)
            let unbind = try await stack.finishedJob(try #require(deleted.json["job_id"] as? String))
            #expect((unbind["job"] as? [String: Any])?["kind"] as? String == "unbind")
            #expect((unbind["job"] as? [String: Any])?["status"] as? String == "succeeded")
            #expect(await stack.sandbox.state.allBindings().isEmpty)
        }
    }

    @Test func theSandboxDeliversDirectoryChangesAsFeishuDoes() async throws {
        try await Stack.with { stack in
            let subscribed = try await stack.subscribeDirectoryEvents()
            #expect(subscribed.json["verification_status"] as? Int == 200)
            let added = try await stack.sandboxCall("/sandbox/users", json: ["name": "欧阳娜娜", "email": "nana.ouyang@example.com"])
            let openID = try #require(added.json["open_id"] as? String)
            var job: [String: Any]?
            for _ in 0..<200 {
                let jobs = try await stack.admin("/v1/jobs").json["jobs"] as? [[String: Any]] ?? []
                if let found = jobs.first(where: { $0["employee_id"] as? String == openID && $0["status"] as? String == "succeeded" }) {
                    job = found
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(job?["exchange_account"] as? String == "nana.ouyang@example.com")
            let deliveries = try await stack.sandboxCall("/sandbox/events", method: .GET).json["deliveries"] as? [[String: Any]] ?? []
            #expect(deliveries.first?["status"] as? Int == 200)
            _ = try await stack.sandboxCall("/sandbox/users/\(openID)", method: .DELETE)
            for _ in 0..<200 where await !stack.sandbox.state.allBindings().isEmpty {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(await stack.sandbox.state.allBindings().isEmpty)
        }
    }
}

@Suite struct CoreHREventTests {
    @Test func anIDOnlyHireIsStoredReadAfterTheDirectoryLagsAndBound() async throws {
        try await Stack.with { stack in
            _ = try await stack.subscribeDirectoryEvents()
            let hired = try await stack.sandboxCall(
                "/sandbox/corehr/employees", json: ["family": "张", "given": "伟", "email": "wei.zhang@example.com", "lag_reads": 2])
            let openID = try #require(hired.json["open_id"] as? String)
            var bind: [String: Any]?
            var read: [String: Any]?
            for _ in 0..<300 {
                let jobs = try await stack.admin("/v1/jobs").json["jobs"] as? [[String: Any]] ?? []
                read = jobs.first { $0["kind"] as? String == "read_person" }
                bind = jobs.first { $0["kind"] as? String == "bind" && $0["status"] as? String == "succeeded" }
                if bind != nil, read?["status"] as? String == "succeeded" { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            // The event was stored at once, with no address promised; the person was read after two lagging reads.
            let readJob = try #require(read)
            #expect(readJob["exchange_account"] as? String == "")
            #expect(readJob["status"] as? String == "succeeded")
            let readDetail = try await stack.admin("/v1/jobs/\(readJob["id"] as? String ?? "")")
            #expect((readDetail.json["attempts"] as? [Any])?.count == 3)
            let bound = try #require(bind)
            #expect(bound["feishu_user_id"] as? String == openID)
            #expect(bound["exchange_account"] as? String == "wei.zhang@example.com")
            let notes = (bound["naming_trace"] as? [String: Any])?["notes"] as? [String] ?? []
            #expect(notes.contains { $0.contains("corehr/v2/employees/batch_get") })
            #expect(notes.contains { $0.contains("local_primary") })
        }
    }

    @Test func otherPeopleDomainEventsAreIgnored() async throws {
        try await Stack.with(.init { $0.routerOnly = true }) { stack in
            let change = Stack.feishuEvent(
                "corehr.employee.domain_event_v2", event: ["employment_id": "emp_1", "event_type": 2, "sub_event_type": 2001])
            let answer = try await stack.postFeishuEvent(change)
            #expect(answer.status == 200)
            #expect(answer.json["status"] as? String == "ignored")
            let hire = Stack.feishuEvent("corehr.job_data.employed_v1", eventID: "evt-emp", event: ["employment_id": "emp_2"])
            let stored = try await stack.postFeishuEvent(hire)
            #expect(stored.status == 200)
            #expect(stored.json["exchange_account"] as? String == "")
            let again = try await stack.postFeishuEvent(hire)
            #expect(again.json["job_id"] as? String == stored.json["job_id"] as? String)
        }
    }
}
