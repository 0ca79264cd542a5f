// FuzzNaming: the naming engine on arbitrary names: split, transliterate, template, count.

import FuzzReplay
import MailboxNaming

/// One input: lines are the full name, the family name, the given name and the romanised forms. The engine
/// gives an address within the limits (64-character local part, the allowed characters) or refuses; it never
/// crashes or hands out an invalid address.
func fuzzOne(_ bytes: [UInt8]) {
    let fields = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    func field(_ index: Int) -> String? { index < fields.count && !fields[index].isEmpty ? fields[index] : nil }
    guard let namer = try? MailboxNamer(domain: "example.com", templates: ["{given}.{family}", "{given_initial}{family}{n}"]) else { return }
    let name = PersonName(
        given: field(2) ?? "", family: field(1) ?? "", fullName: field(0), romanizedGiven: field(4), romanizedFamily: field(3))
    guard let plan = try? namer.plan(for: name) else { return }
    var trace = plan.trace()
    guard let address = try? plan.choose(limit: 5, trace: &trace, reserveIfFree: { _ in true }) else { return }
    let local = address.split(separator: "@").first.map(String.init) ?? ""
    let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.-_")
    precondition(!local.isEmpty && local.count <= 64 && local.allSatisfy(allowed.contains), "invalid address \(address)")
}

@main struct Fuzz {
    static func main() { FuzzReplay.main(fuzzOne) }
}
