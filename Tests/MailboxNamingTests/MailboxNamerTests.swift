import MailboxNaming
import Testing

@Suite struct MailboxNamerTests {
    let namer = try! MailboxNamer(rule: NamingRule(domain: "example.com"))

    @Test(arguments: [
        ("伟", "张", "wei.zhang@example.com"),
        ("小龙", "李", "xiaolong.li@example.com"),
        ("娜娜", "欧阳", "nana.ouyang@example.com"),
        ("田芳", "单", "tianfang.shan@example.com"),
        ("国藩", "曾", "guofan.zeng@example.com"),
        ("布韦", "吕", "buwei.lyu@example.com"),
        ("亮", "诸葛", "liang.zhuge@example.com"),
        ("José", "Müller", "jose.muller@example.com"),
        ("Søren", "Kierkegaard", "soren.kierkegaard@example.com"),
        ("Łukasz", "Żółć", "lukasz.zolc@example.com"),
        ("Þóra", "Straße", "thora.strasse@example.com"),
        ("Seán", "O'Brien", "sean.obrien@example.com"),
        ("Jean-Luc", "Picard", "jean-luc.picard@example.com"),
        ("Mary Ann", "Van der Berg", "maryann.vanderberg@example.com"),
        ("ANNA", "SMITH", "anna.smith@example.com"),
    ])
    func firstRule(given: String, family: String, expected: String) throws {
        let plan = try namer.plan(for: PersonName(given: given, family: family))
        #expect(plan.candidate(0) == expected)
    }

    @Test func romanisedPartsAreReported() throws {
        let plan = try namer.plan(for: PersonName(given: "小龙", family: "欧阳"))
        #expect(plan.familyRomanized == "ouyang")
        #expect(plan.givenRomanized == "xiaolong")
    }

    @Test func counterFollowsThePlainAddress() throws {
        let plan = try namer.plan(for: PersonName(given: "伟", family: "张"))
        #expect((0..<4).map(plan.candidate) == [
            "wei.zhang@example.com", "wei.zhang2@example.com", "wei.zhang3@example.com", "wei.zhang4@example.com",
        ])
    }

    @Test func longNamesAreTruncatedSoTheCounterFits() throws {
        let plan = try namer.plan(for: PersonName(given: String(repeating: "a", count: 40), family: String(repeating: "b", count: 40)))
        for index in [0, 1, 9, 99, 999] {
            let local = plan.candidate(index).split(separator: "@")[0]
            #expect(local.count <= MailboxNamer.maximumLocalPartLength)
            if index > 0 { #expect(local.hasSuffix(String(index + 1))) }
        }
        #expect(Set((0..<1000).map(plan.candidate)).count == 1000)
    }

    @Test func truncationNeverLeavesASeparatorBeforeTheCounter() throws {
        // 63 letters then the dot: truncating to 63 for a one-digit counter would end on the dot.
        let plan = try namer.plan(for: PersonName(given: String(repeating: "g", count: 63), family: "f"))
        #expect(plan.candidate(1) == String(repeating: "g", count: 63) + "2@example.com")
    }

    @Test(arguments: [("", ""), ("!!!", "???"), ("   ", "—"), ("🙂", "🙃")])
    func namesThatLeaveNothingAreRefused(given: String, family: String) {
        #expect(throws: NamingError.self) {
            try namer.plan(for: PersonName(given: given, family: family))
        }
    }

    @Test func separatorsAreTidied() throws {
        // Only the family name is usable: no leading dot.
        let plan = try namer.plan(for: PersonName(given: "???", family: "Lee"))
        #expect(plan.candidate(0) == "lee@example.com")
    }

    @Test func reservedNamesAreRefused() throws {
        let rule = NamingRule(template: "{family}", domain: "example.com", reserved: ["admin"])
        let plan = try MailboxNamer(rule: rule).plan(for: PersonName(given: "x", family: "Admin"))
        #expect(plan.refusal(of: plan.candidate(0)) == "reserved name")
        #expect(plan.refusal(of: plan.candidate(1)) == nil)
    }

    @Test func invalidRulesAreRejected() {
        #expect(throws: NamingError.self) { try MailboxNamer(rule: NamingRule(template: "{nickname}", domain: "example.com")) }
        #expect(throws: NamingError.self) { try MailboxNamer(rule: NamingRule(template: "static", domain: "example.com")) }
        #expect(throws: NamingError.self) { try MailboxNamer(rule: NamingRule(domain: "not a domain")) }
    }

    @Test func otherTemplates() throws {
        let rule = NamingRule(template: "{given_initial}{family}", domain: "corp.example.cn")
        #expect(try MailboxNamer(rule: rule).plan(for: PersonName(given: "伟", family: "张")).candidate(0) == "wzhang@corp.example.cn")
    }

    @Test func sameInputSameAddress() throws {
        let a = try namer.plan(for: PersonName(given: "Zoë", family: "Ørsted"))
        let b = try namer.plan(for: PersonName(given: "Zoë", family: "Ørsted"))
        #expect(a == b)
    }
}
