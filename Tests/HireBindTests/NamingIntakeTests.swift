// NamingIntakeTests: the naming rules as the intake applies them, and `hirebind preview`.

import FeishuSandbox
import Foundation
import HireBind
import HireBindCore
import HireBindTesting
import JobStore
import MailboxNaming
import Secrets
import Testing

/// The naming rules as the intake applies them, over real HTTP.
@Suite struct NamingIntakeTests {
    static let rules = NamingSettings(ruleSets: [
        NamingRuleSet(
            name: "china", when: RuleCondition(location: ["Shanghai"]), domain: "cn.example.com", adminAccount: "exchange-admin@cn.example.com"),
        NamingRuleSet(
            name: "japan", when: RuleCondition(location: ["Tokyo"]), domain: "jp.example.com", transliteration: TransliterationOptions(han: .japanese)
        ),
        NamingRuleSet(name: "default", domain: "example.com"),
    ])

    @Test func ruleSetChoosesDomainAndAdminAccountAndTheTraceIsKept() async throws {
        try await Stack.with(.init { $0.naming = Self.rules }) { stack in
            let answer = try await stack.postWebhook(Stack.event("evt-sh", given: "田芳", family: "单", extra: ["location": "Shanghai"]))
            #expect(answer.status == 202)
            #expect(answer.json["exchange_account"] as? String == "tianfang.shan@cn.example.com")
            let detail = try await stack.finishedJob(try #require(answer.json["job_id"] as? String))
            let job = try #require(detail["job"] as? [String: Any])
            #expect(job["admin_account"] as? String == "exchange-admin@cn.example.com")
            let trace = try #require(job["naming_trace"] as? [String: Any])
            #expect(trace["rule_set"] as? String == "china")
            #expect(trace["family_romanized"] as? String == "shan")
            let steps = try #require(trace["steps"] as? [[String: Any]])
            #expect(steps.last?["outcome"] as? String == "chosen")
            let sent = try #require(await stack.sandbox.state.receivedRequests().first)
            let body = try JSONSerialization.jsonObject(with: Data(sent.body)) as? [String: String]
            #expect(body?["admin_account"] == "exchange-admin@cn.example.com")
            #expect(body?["exchange_account"] == "tianfang.shan@cn.example.com")
        }
    }

    @Test func kanjiWithoutRomanisationIs422NamingTheFields() async throws {
        try await Stack.with(
            .init {
                $0.naming = Self.rules; $0.routerOnly = true
            }
        ) { stack in
            let refused = try await stack.postWebhook(Stack.event("evt-tokyo", given: "太郎", family: "山田", extra: ["location": "Tokyo"]))
            #expect(refused.status == 422)
            #expect(refused.errorCode == "unusable_name")
            #expect(refused.errorMessage?.contains("employee.romanized_family_name") == true)
            let romanized = ["location": "Tokyo", "romanized_family_name": "Yamada", "romanized_given_name": "Tarō"]
            let accepted = try await stack.postWebhook(Stack.event("evt-tokyo-2", given: "太郎", family: "山田", extra: romanized))
            #expect(accepted.status == 202)
            #expect(accepted.json["exchange_account"] as? String == "taro.yamada@jp.example.com")
        }
    }

    @Test func fullNameInOneFieldIsAccepted() async throws {
        try await Stack.with(.init { $0.routerOnly = true }) { stack in
            let event: [String: Any] = [
                "event_id": "evt-full", "event_type": "employee.hired", "occurred_at": "2026-11-25T09:00:00Z",
                "employee": ["employee_id": "E9", "full_name": "欧阳娜娜", "feishu_user_id": "ou_9"],
            ]
            let answer = try await stack.postWebhook(event)
            #expect(answer.status == 202)
            #expect(answer.json["exchange_account"] as? String == "nana.ouyang@example.com")
        }
    }

    @Test func noMatchingRuleSetIs422() async throws {
        let rules = NamingSettings(ruleSets: [NamingRuleSet(name: "sales", when: RuleCondition(department: ["Sales"]), domain: "example.com")])
        try await Stack.with(
            .init {
                $0.naming = rules; $0.routerOnly = true
            }
        ) { stack in
            let answer = try await stack.postWebhook(Stack.event("evt-norule"))
            #expect(answer.status == 422)
            #expect(answer.errorCode == "no_naming_rule")
        }
    }
}

@Suite struct NamingPreviewTests {
    func store() throws -> SQLiteJobStore {
        try SQLiteJobStore(path: FileManager.default.temporaryDirectory.appendingPathComponent("hirebind-preview-\(UUID().uuidString)/s.sqlite").path)
    }

    @Test func previewSeesTheStoreAndEarlierRowsButWritesNothing() async throws {
        let store = try store()
        let namer = try MailboxNamer(domain: "example.com")
        _ = try await MailboxAssignerTests.intake(store: store, namer: namer).accept(MailboxAssignerTests.event("e1"), source: "hr")
        let previewer = NamingPreviewer(namer: namer, store: store, defaultAdminAccount: "admin@example.com")
        var handedOut: Set<String> = []
        let first = try await previewer.preview(PersonName(given: "伟", family: "张"), attributes: .init(), alsoTaken: &handedOut)
        #expect(first.exchangeAccount == "wei.zhang2@example.com")
        #expect(first.familyRomanized == "zhang")
        #expect(first.givenRomanized == "wei")
        #expect(first.adminAccount == "admin@example.com")
        #expect(first.trace?.steps.map(\.outcome) == ["already handed out", "chosen"])
        let second = try await previewer.preview(PersonName(given: "伟", family: "张"), attributes: .init(), alsoTaken: &handedOut)
        #expect(second.exchangeAccount == "wei.zhang3@example.com")
        // Nothing was reserved by the preview.
        #expect(
            try await store.takenAddresses(among: ["wei.zhang@example.com", "wei.zhang2@example.com", "wei.zhang3@example.com"]) == [
                "wei.zhang@example.com"
            ])
    }

    @Test func previewJSONHasTheDocumentedKeys() async throws {
        let previewer = NamingPreviewer(namer: try MailboxNamer(domain: "example.com"), store: nil, defaultAdminAccount: nil)
        var handedOut: Set<String> = []
        let result = try await previewer.preview(PersonName(given: "娜娜", family: "欧阳"), attributes: .init(), alsoTaken: &handedOut)
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as? [String: Any]
        #expect(object?["exchange_account"] as? String == "nana.ouyang@example.com")
        #expect(object?["family_romanized"] as? String == "ouyang")
        #expect(object?["given_romanized"] as? String == "nana")
        #expect(object?["trace"] is [String: Any])
    }

    @Test func unusableNameIsReportedNotThrown() async throws {
        let previewer = NamingPreviewer(namer: try MailboxNamer(domain: "example.com"), store: nil, defaultAdminAccount: nil)
        var handedOut: Set<String> = []
        let result = try await previewer.preview(PersonName(given: "🙂", family: "!"), attributes: .init(), alsoTaken: &handedOut)
        #expect(result.exchangeAccount == nil)
        #expect(result.error?.contains("no letter or digit") == true)
    }
}
