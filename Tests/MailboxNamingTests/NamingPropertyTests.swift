// NamingPropertyTests: properties every generated address keeps, over seeded random names.

import MailboxNaming
import Testing

/// SplitMix64: a small seeded generator, so every run checks the same names.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct NamingPropertyTests {
    static let pools: [[Character]] = [
        Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
        Array("áàâäãåāăąçćčďđéèêëēėęěğģíìîïīįıķĺļľłńņňñóòôöõøōőœŕřśşšșťţțúùûüūůűųýÿźżžßæþð"),
        Array("张王李刘陈杨黄赵吴周徐孙马朱胡郭何高林罗伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞单曾解仇区朴查吕欧阳尉迟诸葛"),
        Array("あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをんっゃゅょー"),
        Array("アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンッャュョー"),
        Array("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯіїєґ"),
        Array("가나다라마바사아자차카타파하김이박최정강조윤장임한오서신권황안송류홍민준서연지훈수아"),
        Array("αβγδεζηθικλμνξοπρστυφχψωάέήίόύώ"),
        Array("0123456789"),
        Array(" -'.’·,_!?@#$%^&*()[]{}<>/\\|~`\"+=;:"),
        Array("🙂🙃👍🏽🇨🇳\u{200B}\u{0301}\u{0308}"),
    ]

    static func randomName(_ rng: inout SeededGenerator) -> String {
        let length = Int.random(in: 0...(Int.random(in: 0...9, using: &rng) == 0 ? 90 : 12), using: &rng)
        let mainPool = pools.randomElement(using: &rng)!
        return String(
            (0..<length).map { _ in
                (Int.random(in: 0...4, using: &rng) == 0 ? pools.randomElement(using: &rng)! : mainPool).randomElement(using: &rng)!
            })
    }

    static let templates = [
        ["{given}.{family}"], ["{given_initial}{family}"], ["{family}{given}"], ["{given}.{middle_initial}.{family}", "{given}.{family}"],
        ["{preferred_given}.{family}", "{given}-{family}{n}"], ["{family}_{given}", "{family}_{given_initial}{n}"],
    ]

    /// `a-z 0-9` runs joined by single separators, at most 64 characters.
    static func isWellFormed(_ local: Substring) -> Bool {
        guard !local.isEmpty, local.count <= 64 else { return false }
        var previousWasSeparator = true
        for character in local {
            let isSeparator = character == "." || character == "-" || character == "_"
            guard isSeparator || ("a"..."z").contains(character) || ("0"..."9").contains(character) else { return false }
            if isSeparator && previousWasSeparator { return false }
            previousWasSeparator = isSeparator
        }
        return !previousWasSeparator
    }

    @Test func everyOutputMatchesTheGrammarAndLimits() throws {
        var rng = SeededGenerator(state: 20_261_125)
        var produced = 0, refused = 0
        for index in 0..<3000 {
            let templates = Self.templates[index % Self.templates.count]
            let namer = try MailboxNamer(policy: NamingPolicy(ruleSets: [NamingRuleSet(domain: "corp.example.com", templates: templates)]))
            let name = PersonName(
                given: Self.randomName(&rng), family: Self.randomName(&rng),
                middle: Bool.random(using: &rng) ? Self.randomName(&rng) : nil,
                preferredGiven: Bool.random(using: &rng) ? Self.randomName(&rng) : nil
            )
            let plan: MailboxPlan
            switch Result(catching: { () throws(NamingError) -> MailboxPlan in try namer.plan(for: name) }) {
            case .success(let made):
                plan = made
            case .failure(let error):
                // Only a name that leaves nothing, or kanji without a romanisation, may be refused.
                switch error {
                case .nothingUsable, .needsRomanization: refused += 1
                default: Issue.record("unexpected refusal of \(name): \(error)")
                }
                continue
            }
            for candidate in plan.candidates.prefix(6) {
                guard let address = candidate.address else { continue }
                let pieces = address.split(separator: "@", omittingEmptySubsequences: false)
                #expect(pieces.count == 2 && pieces[1] == "corp.example.com", "\(address)")
                #expect(Self.isWellFormed(pieces[0]), "\(name) gave \(address)")
                produced += 1
            }
        }
        #expect(produced > 5000)
        #expect(refused > 0)
    }

    @Test func sameInputAlwaysGivesTheSameCandidates() throws {
        var rng = SeededGenerator(state: 42)
        let namer = try MailboxNamer(
            policy: NamingPolicy(ruleSets: [NamingRuleSet(domain: "example.com", templates: ["{given}.{family}", "{given_initial}{family}"])]))
        for _ in 0..<1000 {
            let name = PersonName(given: Self.randomName(&rng), family: Self.randomName(&rng))
            let first = try? namer.plan(for: name).candidates.prefix(5).map(\.address)
            let second = try? namer.plan(for: name).candidates.prefix(5).map(\.address)
            #expect(first == second)
        }
    }

    @Test func candidatesOfOnePlanAreDistinct() throws {
        var rng = SeededGenerator(state: 7)
        let namer = try MailboxNamer(domain: "example.com")
        for _ in 0..<300 {
            guard let plan = try? namer.plan(for: PersonName(given: Self.randomName(&rng), family: Self.randomName(&rng))) else { continue }
            let addresses = plan.candidates.prefix(200).filter { $0.refusal == nil }.compactMap(\.address)
            #expect(Set(addresses).count == addresses.count)
        }
    }
}
