// NamingCultureTests: the per-culture options and presets: Korean surnames, Scandinavian letters, several
// surnames, particles, Vietnamese name order.

import Foundation
import MailboxNaming
import Testing

@Suite struct NamingCultureTests {
    static func namer(_ options: TransliterationOptions, templates: [String] = ["{given}.{family}"]) throws -> MailboxNamer {
        try MailboxNamer(policy: NamingPolicy(ruleSets: [NamingRuleSet(domain: "example.com", templates: templates, transliteration: options)]))
    }

    static func address(_ namer: MailboxNamer, _ name: PersonName) throws -> String? {
        try namer.plan(for: name).firstFree?.replacingOccurrences(of: "@example.com", with: "")
    }

    @Test(arguments: [
        ("민준", "김", "minjun.kim", "minjun.gim"), ("서연", "이", "seoyeon.lee", "seoyeon.i"), ("지훈", "박", "jihun.park", "jihun.bak"),
        ("수빈", "최", "subin.choi", "subin.choe"), ("하은", "정", "haeun.jung", "haeun.jeong"), ("도윤", "강", "doyun.kang", "doyun.gang"),
        ("예준", "조", "yejun.cho", "yejun.jo"), ("서준", "윤", "seojun.yoon", "seojun.yun"), ("지우", "장", "jiu.jang", "jiu.jang"),
        ("하준", "임", "hajun.lim", "hajun.im"), ("민수", "남궁", "minsu.namgoong", "minsu.namgung"), ("수진", "오", "sujin.oh", "sujin.o"),
    ])
    func koreanSurnamesByCustomOrByTheRevisedRomanization(given: String, family: String, customary: String, revised: String) throws {
        #expect(try Self.address(Self.namer(.init(koreanSurnames: .customary)), PersonName(given: given, family: family)) == customary)
        #expect(try Self.address(Self.namer(.init(culture: .korean)), PersonName(given: given, family: family)) == customary)
        #expect(try Self.address(Self.namer(.init()), PersonName(given: given, family: family)) == revised)
        // Given names keep the Revised Romanization, and a whole name is split as before.
        let whole = try Self.address(Self.namer(.init(culture: .korean)), PersonName(given: "", family: "", fullName: family + given))
        #expect(whole == customary)
    }

    @Test func aRomanisedNameFromHRWinsOverTheTable() throws {
        let name = PersonName(given: "민준", family: "김", romanizedGiven: "Min-jun", romanizedFamily: "Gim")
        #expect(try Self.address(Self.namer(.init(culture: .korean)), name) == "min-jun.gim")
    }

    @Test(arguments: [
        ("Søren", "Kierkegaard", "soeren.kierkegaard"), ("Åsa", "Öberg", "aasa.oeberg"), ("Ægir", "Ødegård", "aegir.oedegaard"),
        ("Björn", "Ångström", "bjoern.aangstroem"), ("Märta", "Bååth", "maerta.baaaath"),
    ])
    func scandinavianLetters(given: String, family: String, expected: String) throws {
        #expect(try Self.address(Self.namer(.init(latin: .scandinavian)), PersonName(given: given, family: family)) == expected)
        #expect(try Self.address(Self.namer(.init(culture: .scandinavian)), PersonName(given: given, family: family)) == expected)
    }

    @Test(arguments: [
        (SurnameChoice.join, "juan.garcialopez"), (.hyphen, "juan.garcia-lopez"), (.first, "juan.garcia"), (.last, "juan.lopez"),
    ])
    func severalSurnames(choice: SurnameChoice, expected: String) throws {
        let namer = try Self.namer(.init(surnames: choice))
        #expect(try Self.address(namer, PersonName(given: "Juan", family: "García López")) == expected)
        // A conjunction between the surnames is not one of them (the default keeps the name as written).
        let conjoined = try Self.address(namer, PersonName(given: "Juan", family: "García y López"))
        #expect(conjoined == (choice == .join ? "juan.garciaylopez" : expected))
    }

    @Test func spanishAndPortuguesePresets() throws {
        #expect(
            try Self.address(Self.namer(.init(culture: .spanish)), PersonName(given: "Ana María", family: "López de la Cruz")) == "anamaria.lopez")
        #expect(try Self.address(Self.namer(.init(culture: .spanish)), PersonName(given: "Juan", family: "de la Cruz Pérez")) == "juan.delacruz")
        #expect(try Self.address(Self.namer(.init(culture: .portuguese)), PersonName(given: "João", family: "Silva Santos")) == "joao.santos")
        // A whole name splits on its last word before the surnames are chosen.
        #expect(try Self.address(Self.namer(.init(culture: .portuguese)), PersonName(given: "Maria", family: "dos Santos")) == "maria.dossantos")
    }

    @Test(arguments: [
        (ParticleStyle.join, "jan.vanderberg", "ursula.vonderleyen", "lucia.distefano"),
        (.drop, "jan.berg", "ursula.leyen", "lucia.stefano"),
        (.keep, "jan.van-der-berg", "ursula.von-der-leyen", "lucia.di-stefano"),
    ])
    func particles(style: ParticleStyle, dutch: String, german: String, italian: String) throws {
        let namer = try Self.namer(.init(particles: style))
        #expect(try Self.address(namer, PersonName(given: "Jan", family: "van der Berg")) == dutch)
        #expect(try Self.address(namer, PersonName(given: "Ursula", family: "von der Leyen")) == german)
        #expect(try Self.address(namer, PersonName(given: "Lucia", family: "Di Stefano")) == italian)
        // A single-word family name is left alone whatever the style.
        #expect(try Self.address(namer, PersonName(given: "Jan", family: "Berg")) == "jan.berg")
    }

    @Test func vietnameseNamesAreFamilyFirstWithTheLastWordGiven() throws {
        let namer = try Self.namer(.init(culture: .vietnamese))
        let plan = try namer.plan(for: PersonName(given: "", family: "", fullName: "Nguyễn Thị Minh Khai"))
        #expect(plan.firstFree == "khai.nguyen@example.com")
        #expect(plan.notes.contains { $0.contains("middle 'Thị Minh'") }, "\(plan.notes)")
        // The middle name is there for templates that want it.
        let withMiddle = try Self.namer(.init(culture: .vietnamese), templates: ["{given}.{middle_initial}.{family}"])
        #expect(try Self.address(withMiddle, PersonName(given: "", family: "", fullName: "Nguyễn Thị Minh Khai")) == "khai.t.nguyen")
        // Given and family sent apart: the given name's last word is the given name.
        #expect(try Self.address(namer, PersonName(given: "Văn An", family: "Trần")) == "an.tran")
        // Without the option, a whole name written with letters only Vietnamese has is read the same way; one
        // without them keeps the usual reading (the last word is the family name).
        #expect(try Self.address(Self.namer(.init()), PersonName(given: "", family: "", fullName: "Nguyễn Thị Minh Khai")) == "khai.nguyen")
        #expect(try Self.address(Self.namer(.init()), PersonName(given: "", family: "", fullName: "Trần Văn An")) == "an.tran")
        #expect(try Self.address(Self.namer(.init()), PersonName(given: "", family: "", fullName: "Nguyen Van An")) == "nguyenvan.an")
        #expect(try Self.address(Self.namer(.init()), PersonName(given: "", family: "", fullName: "José María García")) == "josemaria.garcia")
        #expect(try Self.address(Self.namer(.init()), PersonName(given: "", family: "", fullName: "Zoë Ørsted")) == "zoe.orsted")
        #expect(try Self.address(Self.namer(.init()), PersonName(given: "", family: "", fullName: "Đorđe Đoković")) == "dorde.dokovic")
        #expect(try Self.address(Self.namer(.init()), PersonName(given: "", family: "", fullName: "Mădălina Ağca")) == "madalina.agca")
    }

    @Test func aCulturePresetIsReadFromYAMLAndItsKeysOverridden() throws {
        let decoded = try JSONDecoder().decode(TransliterationOptions.self, from: Data(#"{"culture": "spanish", "particles": "drop"}"#.utf8))
        #expect(decoded.surnames == .first && decoded.particles == .drop && decoded.culture == .spanish)
        let korean = try JSONDecoder().decode(TransliterationOptions.self, from: Data(#"{"culture": "korean", "korean_surnames": "revised"}"#.utf8))
        #expect(korean.koreanSurnames == .revised)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(TransliterationOptions.self, from: Data(#"{"culture": "klingon"}"#.utf8)) }
    }
}
