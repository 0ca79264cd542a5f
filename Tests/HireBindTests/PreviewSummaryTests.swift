// PreviewSummaryTests: the summary of a whole list's preview: first choices, counters, the longest chain, refusals.

import HireBind
import MailboxNaming
import Testing

@Suite struct PreviewSummaryTests {
    @Test func aListIsSummedUpByWhatEachPersonGot() async throws {
        let namer = try MailboxNamer(
            policy: NamingPolicy(
                ruleSets: [NamingRuleSet(domain: "example.com", templates: ["{given}.{family}", "{given}{family_initial}"])],
                reserved: NamingPolicy.defaultReserved + ["weiz2"]))
        let previewer = NamingPreviewer(namer: namer, store: nil, defaultAdminAccount: "admin@example.com")
        let people: [(PersonName, String)] = [
            (PersonName(given: "伟", family: "张"), "张 伟"), (PersonName(given: "伟", family: "张"), "张 伟"),
            (PersonName(given: "伟", family: "张"), "张 伟"), (PersonName(given: "伟", family: "张"), "张 伟"),
            (PersonName(given: "Ada", family: "Lovelace"), "Lovelace Ada"), (PersonName(given: "ひろし", family: "山田"), "山田 ひろし"),
            (PersonName(given: "!!!", family: "???"), "??? !!!"),
        ]
        var taken: Set<String> = []
        var summary = PreviewSummary()
        for (name, shown) in people {
            summary.add(try await previewer.preview(name, attributes: .init(), alsoTaken: &taken), shown: shown)
        }
        #expect(summary.people == 7 && summary.addressed == 5)
        // wei.zhang, then weiz (the later template), then weiz3 (the counter goes on the last template; weiz2 is reserved), then weiz4.
        #expect(summary.firstChoice == 2)
        #expect(summary.laterTemplate == 1)
        #expect(summary.neededCounter == 2)
        #expect(summary.longestChain == 4)
        #expect(summary.longestChainAddress == "weiz4@example.com")
        #expect(summary.refused["needs_romanization"] == .init(count: 1, examples: ["山田 ひろし"]))
        #expect(summary.refused["nothing_usable"]?.count == 1)
        #expect(summary.text.hasPrefix("5 of 7 people get an address; 2 refused"))
        #expect(summary.text.contains("longest chain:     4 candidates taken before weiz4@example.com"))
    }
}
