// MailboxNamerTests: the naming engine's templates, counters, rule sets and limits.

import MailboxNaming
import Testing

extension MailboxPlan {
    /// The first candidate the plan itself does not refuse (what an empty store hands out).
    var firstFree: String? { candidates.first { $0.refusal == nil }?.address }

    /// The first `count` candidates the plan does not refuse.
    func free(_ count: Int) -> [String] {
        Array(candidates.lazy.filter { $0.refusal == nil }.compactMap(\.address).prefix(count))
    }
}

@Suite struct MailboxNamerTests {
    let namer = try! MailboxNamer(domain: "example.com")

    @Test func romanisedPartsAreReported() throws {
        let plan = try namer.plan(for: PersonName(given: "小龙", family: "欧阳"))
        #expect(plan.familyRomanized == "ouyang")
        #expect(plan.givenRomanized == "xiaolong")
        #expect(plan.ruleSet == "default")
    }

    @Test func counterFollowsThePlainAddress() throws {
        let plan = try namer.plan(for: PersonName(given: "伟", family: "张"))
        #expect(plan.free(4) == ["wei.zhang@example.com", "wei.zhang2@example.com", "wei.zhang3@example.com", "wei.zhang4@example.com"])
    }

    @Test func templatesAreTriedInOrderThenTheCounter() throws {
        let namer = try MailboxNamer(
            policy: NamingPolicy(ruleSets: [
                NamingRuleSet(
                    domain: "example.com", templates: ["{given}.{family}", "{given_initial}{family}", "{given}.{family}{n}"],
                    counter: CounterStyle(start: 1, padding: 2)
                )
            ]))
        let plan = try namer.plan(for: PersonName(given: "John", family: "Smith"))
        #expect(plan.free(4) == ["john.smith@example.com", "jsmith@example.com", "john.smith01@example.com", "john.smith02@example.com"])
    }

    @Test func counterOnlyInTheLastTemplate() {
        #expect(throws: NamingError.self) {
            try MailboxNamer(policy: NamingPolicy(ruleSets: [NamingRuleSet(domain: "example.com", templates: ["{given}{n}", "{family}"])]))
        }
    }

    @Test func allPlaceholders() throws {
        let namer = try MailboxNamer(
            policy: NamingPolicy(ruleSets: [
                NamingRuleSet(
                    domain: "example.com",
                    templates: [
                        "{preferred_given}.{family}", "{given}.{middle_initial}.{family}", "{family}{given}", "{given}_{middle}_{family_initial}",
                    ]
                )
            ]))
        let full = try namer.plan(for: PersonName(given: "Robert", family: "Kennedy", middle: "Francis", preferredGiven: "Bobby"))
        #expect(
            full.free(4) == [
                "bobby.kennedy@example.com", "robert.f.kennedy@example.com", "kennedyrobert@example.com", "robert_francis_k@example.com",
            ])
        // Without a middle or preferred name those templates are passed over, and the trace says why.
        let plain = try namer.plan(for: PersonName(given: "Ana", family: "Lopez"))
        let first = Array(plain.candidates.prefix(4))
        #expect(first[0].refusal == "no preferred given for this person")
        #expect(first[1].refusal == "no middle initial for this person")
        #expect(first[2].address == "lopezana@example.com")
    }

    @Test func longNamesAreTruncatedSoTheCounterFits() throws {
        let plan = try namer.plan(for: PersonName(given: String(repeating: "a", count: 40), family: String(repeating: "b", count: 40)))
        let addresses = Array(plan.candidates.prefix(1001).compactMap(\.address))
        for address in addresses {
            #expect(address.split(separator: "@")[0].count <= MailboxNamer.maximumLocalPartLength)
        }
        #expect(addresses[0] == String(repeating: "a", count: 32) + "." + String(repeating: "b", count: 31) + "@example.com")
        #expect(addresses[999].hasSuffix("1000@example.com"))
        #expect(Set(addresses).count == addresses.count)
        // The name parts were shortened, not the counter: both keep a share.
        #expect(addresses[999].hasPrefix("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"))
    }

    @Test func truncationNeverLeavesASeparatorBeforeTheCounter() throws {
        let plan = try namer.plan(for: PersonName(given: String(repeating: "g", count: 70), family: "f"))
        let second = try #require(plan.free(2).last)
        #expect(!second.contains(".2@"))
        #expect(second.split(separator: "@")[0].count <= 64)
    }

    @Test(arguments: [("", ""), ("!!!", "???"), ("   ", "—"), ("🙂", "🙃"), ("٭", "✓")])
    func namesThatLeaveNothingAreRefused(given: String, family: String) {
        #expect(throws: NamingError.self) { try namer.plan(for: PersonName(given: given, family: family)) }
    }

    @Test func separatorsAreTidied() throws {
        #expect(try namer.plan(for: PersonName(given: "???", family: "Lee")).firstFree == "lee@example.com")
        #expect(try namer.plan(for: PersonName(given: "-Jo-", family: "--Ng--")).firstFree == "jo.ng@example.com")
        let underscore = try MailboxNamer(
            policy: NamingPolicy(ruleSets: [NamingRuleSet(domain: "example.com", templates: ["{given}_{family}"])], separators: "_"))
        #expect(try underscore.plan(for: PersonName(given: "Jean-Luc", family: "Picard")).firstFree == "jean_luc_picard@example.com")
    }

    @Test func reservedNamesAndNeverReuseAreRefused() throws {
        let namer = try MailboxNamer(
            policy: NamingPolicy(
                ruleSets: [NamingRuleSet(domain: "example.com", templates: ["{family}"])],
                reserved: ["admin"], neverReuse: ["Admin2@example.com", "smith@example.com"]
            ))
        let admin = try namer.plan(for: PersonName(given: "x", family: "Admin"))
        let steps = Array(admin.candidates.prefix(3))
        #expect(steps.map(\.refusal) == ["reserved name", "on the never-reuse list", nil])
        #expect(admin.firstFree == "admin3@example.com")
        #expect(try namer.plan(for: PersonName(given: "Will", family: "Smith")).firstFree == "smith2@example.com")
    }

    @Test func defaultReservedNamesCoverRoleMailboxes() throws {
        let namer = try MailboxNamer(policy: NamingPolicy(ruleSets: [NamingRuleSet(domain: "example.com", templates: ["{given}"])]))
        for role in ["postmaster", "abuse", "admin", "webmaster", "noreply"] {
            #expect(try namer.plan(for: PersonName(given: role, family: "x")).firstFree != "\(role)@example.com")
        }
    }

    @Test func invalidRulesAreRejected() {
        let bad: [NamingRuleSet] = [
            NamingRuleSet(domain: "example.com", templates: ["{nickname}"]),
            NamingRuleSet(domain: "example.com", templates: ["static"]),
            NamingRuleSet(domain: "example.com", templates: ["{given}+{family}"]),
            NamingRuleSet(domain: "not a domain"),
            NamingRuleSet(domain: "example.com", templates: []),
        ]
        for rule in bad {
            #expect(throws: NamingError.self) { try MailboxNamer(policy: NamingPolicy(ruleSets: [rule])) }
        }
        #expect(throws: NamingError.self) {
            try MailboxNamer(policy: NamingPolicy(ruleSets: [NamingRuleSet(domain: "example.com")], separators: "+"))
        }
    }

    @Test func ruleSetIsChosenByTheEmployee() throws {
        let namer = try MailboxNamer(
            policy: NamingPolicy(ruleSets: [
                NamingRuleSet(
                    name: "china", when: RuleCondition(location: ["Shanghai", "Beijing"]), domain: "cn.example.com",
                    adminAccount: "admin@cn.example.com"),
                NamingRuleSet(
                    name: "contractors", when: RuleCondition(employmentType: ["contractor"]), domain: "ext.example.com",
                    templates: ["{given_initial}{family}"]),
                NamingRuleSet(name: "default", domain: "example.com"),
            ]))
        let shanghai = try namer.plan(for: PersonName(given: "伟", family: "张"), attributes: EmployeeAttributes(location: "shanghai"))
        #expect(shanghai.ruleSet == "china")
        #expect(shanghai.firstFree == "wei.zhang@cn.example.com")
        #expect(shanghai.adminAccount == "admin@cn.example.com")
        let contractor = try namer.plan(for: PersonName(given: "Ann", family: "Lee"), attributes: EmployeeAttributes(employmentType: "Contractor"))
        #expect(contractor.firstFree == "alee@ext.example.com")
        #expect(contractor.adminAccount == nil)
        let other = try namer.plan(for: PersonName(given: "Ann", family: "Lee"), attributes: EmployeeAttributes(location: "Berlin"))
        #expect(other.ruleSet == "default")
    }

    @Test func noMatchingRuleSetIsAnError() throws {
        let namer = try MailboxNamer(
            policy: NamingPolicy(ruleSets: [
                NamingRuleSet(name: "sales", when: RuleCondition(department: ["Sales"]), domain: "example.com")
            ]))
        #expect(throws: NamingError.self) {
            try namer.plan(for: PersonName(given: "a", family: "b"), attributes: EmployeeAttributes(department: "R&D"))
        }
    }

    @Test func hrAddressComesFirstWhenTheRuleSaysSo() throws {
        let prefer = try MailboxNamer(policy: NamingPolicy(ruleSets: [NamingRuleSet(domain: "example.com", preferHRAddress: true)]))
        let plan = try prefer.plan(for: PersonName(given: "Wei", family: "Zhang", requestedAddress: "W.Zhang@Example.com"))
        #expect(plan.free(2) == ["w.zhang@example.com", "wei.zhang@example.com"])
        let elsewhere = try prefer.plan(for: PersonName(given: "Wei", family: "Zhang", requestedAddress: "wei@gmail.com"))
        #expect(elsewhere.candidates.first { _ in true }?.refusal == "the HR address is not in example.com")
        let ignored = try namer.plan(for: PersonName(given: "Wei", family: "Zhang", requestedAddress: "w.zhang@example.com"))
        #expect(ignored.firstFree == "wei.zhang@example.com")
    }

    @Test func hrRomanizationIsUsedFirst() throws {
        let plan = try namer.plan(for: PersonName(given: "伟", family: "张", romanizedGiven: "Wai", romanizedFamily: "Cheung"))
        #expect(plan.firstFree == "wai.cheung@example.com")
        #expect(plan.notes.contains("used the romanised name from HR"))
        let transliterate = try MailboxNamer(policy: NamingPolicy(ruleSets: [NamingRuleSet(domain: "example.com", preferHRRomanization: false)]))
        #expect(
            try transliterate.plan(for: PersonName(given: "伟", family: "张", romanizedGiven: "Wai", romanizedFamily: "Cheung")).firstFree
                == "wei.zhang@example.com")
    }

    @Test func kanjiNeedsARomanisedName() throws {
        // Kana in the name marks it Japanese: the kanji family name cannot be read.
        #expect(throws: NamingError.needsRomanization(field: "employee.family_name")) {
            try namer.plan(for: PersonName(given: "ひろし", family: "山田"))
        }
        let japan = try MailboxNamer(
            policy: NamingPolicy(ruleSets: [NamingRuleSet(domain: "example.jp", transliteration: TransliterationOptions(han: .japanese))]))
        let error = try #require(throws: NamingError.self) { try japan.plan(for: PersonName(given: "太郎", family: "山田")) }
        #expect(error.description.contains("employee.romanized_family_name"))
        let romanized = try japan.plan(for: PersonName(given: "太郎", family: "山田", romanizedGiven: "Tarō", romanizedFamily: "Yamada"))
        #expect(romanized.firstFree == "taro.yamada@example.jp")
    }

    @Test(arguments: [
        (ChineseUSpelling.yu, "buwei.lyu"), (.v, "buwei.lv"), (.u, "buwei.lu"),
    ])
    func chineseUSpelling(u: ChineseUSpelling, expected: String) throws {
        let namer = try MailboxNamer(
            policy: NamingPolicy(ruleSets: [NamingRuleSet(domain: "example.com", transliteration: TransliterationOptions(chineseU: u))]))
        #expect(try namer.plan(for: PersonName(given: "布韦", family: "吕")).firstFree == expected + "@example.com")
        // ü in a given name too (绿 lǜ, 女 nǚ).
        #expect(try namer.plan(for: PersonName(given: "女", family: "王")).firstFree == "n\(u.rawValue == "yu" ? "yu" : u.rawValue).wang@example.com")
    }

    @Test(arguments: [
        ("Jürgen", "Müller", "juergen.mueller"), ("Björn", "Ångström", "bjoern.angstroem"), ("Käthe", "Kollwitz", "kaethe.kollwitz"),
        ("Günther", "Öttinger", "guenther.oettinger"), ("Heinz", "Straße", "heinz.strasse"),
    ])
    func germanUmlauts(given: String, family: String, expected: String) throws {
        let namer = try MailboxNamer(
            policy: NamingPolicy(ruleSets: [NamingRuleSet(domain: "example.de", transliteration: TransliterationOptions(latin: .german))]))
        #expect(try namer.plan(for: PersonName(given: given, family: family)).firstFree == expected + "@example.de")
    }

    @Test(arguments: [
        ("张伟", "wei.zhang"), ("欧阳娜娜", "nana.ouyang"), ("诸葛亮", "liang.zhuge"), ("单田芳", "tianfang.shan"),
        ("司马相如", "xiangru.sima"), ("吕布", "bu.lyu"), ("김민준", "minjun.gim"), ("남궁민수", "minsu.namgung"),
        ("Ana María López", "anamaria.lopez"), ("Martin Luther King Jr.", "martinluther.king"),
    ])
    func fullNameInOneField(full: String, expected: String) throws {
        #expect(try namer.plan(for: PersonName(given: "", family: "", fullName: full)).firstFree == expected + "@example.com")
    }

    @Test func chineseNameInOneFieldIsSplit() throws {
        let plan = try namer.plan(for: PersonName(given: "欧阳娜娜", family: ""))
        #expect(plan.firstFree == "nana.ouyang@example.com")
        #expect(plan.notes.first?.contains("split the full name") == true)
    }

    @Test func sameInputSameAddress() throws {
        let a = try namer.plan(for: PersonName(given: "Zoë", family: "Ørsted"))
        let b = try namer.plan(for: PersonName(given: "Zoë", family: "Ørsted"))
        #expect(a.free(5) == b.free(5))
    }
}
