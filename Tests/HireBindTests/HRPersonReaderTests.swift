// HRPersonReaderTests: id-only HR events, the person read from a real HR API over loopback (bearer, Basic, OAuth2).

import FeishuSandbox
import Foundation
import HireBind
import HireBindCore
import HireBindTesting
import JobStore
import Logging
import Testing

@Suite struct HRPersonReaderTests {
    /// An HR source whose events carry only `{"id", "type", "data": {"id"}}`, its people read by `fetch`.
    static func source(fetch: FetchSettings, rehire: RehirePolicy = .newAddress) -> SourceSettings {
        var source = SourceSettings(secrets: [.environment("WEBHOOK_SECRET")], rehire: rehire)
        source.map = MappingSettings(
            eventID: FieldMapping(from: ["/id"]),
            eventType: EventTypeMapping(field: FieldMapping(from: ["/type"]), hire: ["employee.created"], termination: ["employee.deleted"]),
            employee: ["employee_id": FieldMapping(from: ["/data/id"])])
        source.fetch = fetch
        return source
    }

    static let personMap: [String: FieldMapping] = [
        "given_name": FieldMapping(from: ["/firstName"]), "family_name": FieldMapping(from: ["/lastName"]),
        "feishu_user_id": FieldMapping(from: ["/feishuOpenID"]),
    ]

    static func options(_ sources: [String: SourceSettings], environment: [String: String] = [:]) -> Stack.Options {
        .init {
            $0.extraSources = sources
            $0.extraEnvironment = environment
        }
    }

    static func event(_ id: String, employee: String, type: String = "employee.created") -> [UInt8] {
        Array(try! JSONSerialization.data(withJSONObject: ["id": id, "type": type, "data": ["id": employee]]))
    }

    /// The bind job the read job handed on to, once it finished.
    static func boundJob(_ stack: Stack, source: String, employee: String) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if let job = try await stack.store.activeBindJob(source: source, employeeID: employee) {
                let finished = try await stack.finishedJob(job.id)
                return try #require(finished["job"] as? [String: Any])
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw StackError.timeout("no bind job for \(employee)")
    }

    @Test func anIDOnlyHireIsStoredAtOnceThenReadWithABearerTokenThroughFaultsAndBound() async throws {
        let hr = HRAPIDouble(auth: .bearer("hr-api-key-0123456789abcdef"))
        await hr.add("E1", ["firstName": "Ada", "lastName": "Lovelace", "feishuOpenID": "ou_ada"])
        await hr.fail(next: [503, 429])
        try await hr.with(logger: .init(label: "hr")) { url in
            let fetch = FetchSettings(
                url: "\(url)/v1/employees/{employee_id}", auth: .init(type: .bearer, token: .environment("HR_API_TOKEN")), map: Self.personMap)
            try await Stack.with(Self.options(["hr": Self.source(fetch: fetch)], environment: ["HR_API_TOKEN": "hr-api-key-0123456789abcdef"])) {
                stack in
                let answer = try await stack.postWebhook(Self.event("evt-1", employee: "E1"), source: "hr")
                // Stored at once, before any read: no address is promised yet.
                #expect(answer.status == 202)
                #expect(answer.json["exchange_account"] as? String == "")
                let readID = try #require(answer.json["job_id"] as? String)
                let read = try await stack.finishedJob(readID)
                #expect((read["job"] as? [String: Any])?["status"] as? String == "succeeded")
                // A 503 and a 429 (Retry-After: 1) first: three reads in all.
                #expect((read["attempts"] as? [Any])?.count == 3)
                let bound = try await Self.boundJob(stack, source: "hr", employee: "E1")
                #expect(bound["status"] as? String == "succeeded")
                #expect(bound["feishu_user_id"] as? String == "ou_ada")
                #expect(bound["exchange_account"] as? String == "ada.lovelace@example.com")
                let notes = (bound["naming_trace"] as? [String: Any])?["notes"] as? [String] ?? []
                #expect(notes.contains("the person was read from GET \(url)/v1/employees/E1"), "\(notes)")
                #expect(notes.contains { $0.contains("employee.given_name from /firstName") }, "\(notes)")
                let requests = await hr.personRequests()
                #expect(requests.count == 3)
                #expect(requests.allSatisfy { $0.authorization == "Bearer hr-api-key-0123456789abcdef" })
                // The same hire re-sent under a new event id reads again but binds no second address.
                let again = try await stack.postWebhook(Self.event("evt-1-again", employee: "E1"), source: "hr")
                let againID = try #require(again.json["job_id"] as? String)
                let second = try await stack.finishedJob(againID)
                #expect((second["job"] as? [String: Any])?["status"] as? String == "succeeded")
                #expect(try await stack.store.takenAddresses(among: ["ada.lovelace2@example.com"]).isEmpty)
                #expect(await stack.sandbox.state.allBindings().count == 1)
            }
        }
    }

    @Test func aPersonTheHRSystemDoesNotKnowFailsTheJobWithTheReasonAndTheIDCannotLeaveThePath() async throws {
        let hr = HRAPIDouble(auth: .bearer("hr-api-key-0123456789abcdef"))
        try await hr.with(logger: .init(label: "hr")) { url in
            let fetch = FetchSettings(
                url: "\(url)/v1/employees/{employee_id}", auth: .init(type: .bearer, token: .environment("HR_API_TOKEN")), map: Self.personMap)
            try await Stack.with(Self.options(["hr": Self.source(fetch: fetch)], environment: ["HR_API_TOKEN": "hr-api-key-0123456789abcdef"])) {
                stack in
                let answer = try await stack.postWebhook(Self.event("evt-404", employee: "../admin?x=1"), source: "hr")
                #expect(answer.status == 202)
                let jobID = try #require(answer.json["job_id"] as? String)
                let finished = try await stack.finishedJob(jobID)
                let job = try #require(finished["job"] as? [String: Any])
                #expect(job["status"] as? String == "failed")
                let error = try #require(job["last_error"] as? [String: Any])
                #expect(error["code"] as? String == "person_not_found")
                #expect((error["message"] as? String)?.contains("has no employee ../admin?x=1") == true, "\(error)")
                // The id was percent-encoded into one path segment: no other path, no query.
                let requests = await hr.personRequests()
                #expect(requests.map(\.path) == ["/v1/employees/..%2Fadmin%3Fx%3D1"])
                // The callback says why.
                #expect(try await stack.callbackStatus(job["id"] as? String ?? "", reaching: "delivered") == "delivered")
            }
        }
    }

    @Test func oauth2TokensAreFetchedOnceSharedAndRenewedWhenRevoked() async throws {
        let hr = HRAPIDouble(auth: .oauth2(clientID: "hirebind", clientSecret: "client-secret-0123456789", expiresIn: 3600))
        for (id, first) in [("E1", "Ada"), ("E2", "Grace"), ("E3", "Edsger")] {
            await hr.add(id, ["firstName": first, "lastName": "Tester", "feishuOpenID": "ou_\(id)"])
        }
        try await hr.with(logger: .init(label: "hr")) { url in
            let fetch = FetchSettings(
                url: "\(url)/v1/employees/{employee_id}",
                auth: .init(type: .oauth2, tokenURL: "\(url)/oauth/token", clientID: "hirebind", clientSecret: .environment("HR_CLIENT_SECRET")),
                map: Self.personMap)
            try await Stack.with(Self.options(["hr": Self.source(fetch: fetch)], environment: ["HR_CLIENT_SECRET": "client-secret-0123456789"])) {
                stack in
                for id in ["E1", "E2"] { _ = try await stack.postWebhook(Self.event("evt-\(id)", employee: id), source: "hr") }
                for id in ["E1", "E2"] { #expect(try await Self.boundJob(stack, source: "hr", employee: id)["status"] as? String == "succeeded") }
                #expect(await hr.tokensIssued == 1)
                // The HR system revokes its tokens: the next read is refused once, a new token fetched, the read repeated.
                await hr.revokeTokens()
                _ = try await stack.postWebhook(Self.event("evt-E3", employee: "E3"), source: "hr")
                #expect(try await Self.boundJob(stack, source: "hr", employee: "E3")["status"] as? String == "succeeded")
                #expect(await hr.tokensIssued == 2)
                let tokenRequests = await hr.seen.filter { $0.path == "/oauth/token" }
                #expect(tokenRequests.allSatisfy { $0.body.contains("grant_type=client_credentials") && $0.body.contains("client_id=hirebind") })
            }
        }
    }

    @Test func refusedCredentialsMakeTheJobWaitForAnOperatorWithoutUsingAttempts() async throws {
        let hr = HRAPIDouble(auth: .oauth2(clientID: "hirebind", clientSecret: "client-secret-0123456789", expiresIn: 3600))
        await hr.add("E1", ["firstName": "Ada", "lastName": "Lovelace", "feishuOpenID": "ou_ada"])
        try await hr.with(logger: .init(label: "hr")) { url in
            let fetch = FetchSettings(
                url: "\(url)/v1/employees/{employee_id}",
                auth: .init(type: .oauth2, tokenURL: "\(url)/oauth/token", clientID: "hirebind", clientSecret: .environment("HR_CLIENT_SECRET")),
                map: Self.personMap)
            try await Stack.with(Self.options(["hr": Self.source(fetch: fetch)], environment: ["HR_CLIENT_SECRET": "a-wrong-secret-0123456789"])) {
                stack in
                let answer = try await stack.postWebhook(Self.event("evt-1", employee: "E1"), source: "hr")
                let jobID = try #require(answer.json["job_id"] as? String)
                let job = try await stack.job(jobID) { job in
                    // Between two looks the job is queued again (leased, it is running and counts the attempt in hand).
                    (job["last_error"] as? [String: Any])?["code"] as? String == "hr_api_credentials" && job["status"] as? String == "queued"
                }
                #expect(job["status"] as? String == "queued")
                #expect(job["attempts"] as? Int == 0)
                let message = (job["last_error"] as? [String: Any])?["message"] as? String ?? ""
                #expect(message.contains("invalid_client"))
                #expect(!message.contains("a-wrong-secret"))
                #expect(await hr.personRequests().isEmpty)
            }
        }
    }

    @Test func basicCredentialsAndAPOSTSearchReadTheFirstMatch() async throws {
        let hr = HRAPIDouble(auth: .basic(username: "api-key-0123456789abcdef", password: "x"))
        await hr.add("E\"7", ["firstName": "Barbara", "lastName": "Liskov", "feishuOpenID": "ou_barbara"])
        try await hr.with(logger: .init(label: "hr")) { url in
            let fetch = FetchSettings(
                url: "\(url)/v1/people/search", method: .POST, body: #"{"id": "{employee_id}"}"#,
                auth: .init(type: .basic, username: .secret(.environment("HR_API_KEY")), password: .text("x")),
                map: [
                    "given_name": FieldMapping(from: ["/employees/0/firstName"]), "family_name": FieldMapping(from: ["/employees/0/lastName"]),
                    "feishu_user_id": FieldMapping(from: ["/employees/0/feishuOpenID"]),
                ])
            try await Stack.with(Self.options(["hr": Self.source(fetch: fetch)], environment: ["HR_API_KEY": "api-key-0123456789abcdef"])) { stack in
                _ = try await stack.postWebhook(Self.event("evt-1", employee: "E\"7"), source: "hr")
                let bound = try await Self.boundJob(stack, source: "hr", employee: "E\"7")
                #expect(bound["exchange_account"] as? String == "barbara.liskov@example.com")
                // The id went into the JSON body escaped: the search found the person it names.
                #expect(await hr.personRequests().first?.body == #"{"id": "E\"7"}"#)
            }
        }
    }

    @Test(arguments: [RehirePolicy.sameAddress, .newAddress])
    func aRehireGetsTheAddressItsSourceSays(_ policy: RehirePolicy) async throws {
        var source = SourceSettings(secrets: [.environment("WEBHOOK_SECRET")], rehire: policy)
        source.map = nil
        try await Stack.with(Self.options(["rehire": source])) { stack in
            func hire(_ id: String) async throws -> [String: Any] {
                let event = Array(
                    try JSONSerialization.data(
                        withJSONObject: Stack.event(id, given: "Ada", family: "Lovelace", userID: "ou_ada", extra: ["employee_id": "E-ada"])))
                let answer = try await stack.postWebhook(event, source: "rehire")
                #expect(answer.status == 202)
                let jobID = try #require(answer.json["job_id"] as? String)
                return try #require(try await stack.finishedJob(jobID)["job"] as? [String: Any])
            }
            let first = try await hire("hire-1")
            #expect(first["exchange_account"] as? String == "ada.lovelace@example.com")
            let leave = try await stack.postWebhook(
                Array(try JSONSerialization.data(withJSONObject: Stack.termination("leave-1", employeeID: "E-ada"))), source: "rehire")
            let leaveID = try #require(leave.json["job_id"] as? String)
            let left = try await stack.finishedJob(leaveID)["job"] as? [String: Any]
            #expect(left?["status"] as? String == "succeeded")
            let rehired = try await hire("hire-1-again")
            #expect(rehired["status"] as? String == "succeeded")
            #expect(rehired["id"] as? String != first["id"] as? String)
            let address = rehired["exchange_account"] as? String
            switch policy {
            case .sameAddress:
                #expect(address == "ada.lovelace@example.com")
                let notes = (rehired["naming_trace"] as? [String: Any])?["notes"] as? [String] ?? []
                #expect(notes.contains { $0.hasPrefix("rehire: ada.lovelace@example.com was this person's address") }, "\(notes)")
            case .newAddress:
                #expect(address != nil && address != "ada.lovelace@example.com")
            }
            // Someone else of the same name never gets the reserved address.
            let other = Array(
                try JSONSerialization.data(
                    withJSONObject: Stack.event("other", given: "Ada", family: "Lovelace", userID: "ou_other")))
            let otherJob = try await stack.postWebhook(other, source: "rehire")
            #expect(otherJob.json["exchange_account"] as? String != "ada.lovelace@example.com")
            #expect(otherJob.json["exchange_account"] as? String != address)
        }
    }
}
