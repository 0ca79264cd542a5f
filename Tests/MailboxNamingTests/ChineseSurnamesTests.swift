// ChineseSurnamesTests: every surname of the table named by its surname reading, and the readings ICU gets wrong.

import Foundation
import MailboxNaming
import Testing

@Suite struct ChineseSurnamesTests {
    static let namer = try! MailboxNamer(domain: "example.com")

    /// The reading as an address spells it by default: ü as yu (Chinese passports), nothing else changed.
    static func spelled(_ reading: String) -> String { reading.replacingOccurrences(of: "ü", with: "yu") }

    /// Walks the whole table: each surname, with the given name 明, gets `ming.<its surname reading>`.
    @Test func everySurnameIsNamedByItsSurnameReading() throws {
        let table = ChineseSurnames.all
        #expect(table.count >= 600)
        #expect(table.keys.filter { $0.count == 2 }.count >= 70)
        var wrong: [String] = []
        for (surname, reading) in table.sorted(by: { $0.key < $1.key }) {
            let plan = try Self.namer.plan(for: PersonName(given: "明", family: surname))
            let address = plan.candidates.first { $0.refusal == nil }?.address
            if address != "ming.\(Self.spelled(reading))@example.com" { wrong.append("\(surname): \(address ?? "none"), not \(reading)") }
        }
        #expect(wrong.isEmpty, "\(wrong)")
    }

    /// Surnames read differently as surnames than by the character's commonest reading (ICU's), among them
    /// characters that are surnames only in a minority of families: the table, not ICU, decides.
    @Test(arguments: [
        ("单", "shan"), ("解", "xie"), ("区", "ou"), ("朴", "piao"), ("仇", "qiu"), ("查", "zha"), ("盖", "ge"), ("六", "lu"),
        ("藏", "zang"), ("啜", "chuai"), ("不", "fou"), ("繁", "po"), ("句", "gou"), ("员", "yun"), ("折", "she"), ("召", "shao"),
        ("郄", "qie"), ("秘", "bi"), ("种", "chong"), ("佴", "nai"), ("粘", "nian"), ("扎", "za"), ("宓", "mi"), ("长孙", "zhangsun"),
        ("万俟", "moqi"), ("尉迟", "yuchi"), ("单于", "chanyu"), ("仉督", "zhangdu"),
    ])
    func surnameReadingsDifferFromTheCommonReading(_ surname: String, _ reading: String) throws {
        #expect(ChineseSurnames.reading(of: surname) == reading)
        let plan = try Self.namer.plan(for: PersonName(given: "明", family: surname))
        #expect(plan.candidates.first { $0.refusal == nil }?.address == "ming.\(reading)@example.com")
        // The character's everyday reading differs for most of these; the surname table is what made the address.
        let common = surname.applyingTransform(StringTransform("Han-Latin"), reverse: false) ?? ""
        if surname == "单" || surname == "解" || surname == "六" || surname == "藏" { #expect(!common.contains(reading)) }
    }
}
