// Romanizer: a name part in any script to lowercase ASCII.

import Foundation

/// Turns a name part in any script into lowercase ASCII letters, digits and inner hyphens.
struct Romanizer {
    enum Part {
        case family, given
    }

    let options: TransliterationOptions

    /// Generational suffixes dropped from the end of a Latin name.
    static let suffixes: Set<String> = ["jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "2nd", "3rd"]

    /// Romanises `text`. `japanese` says the person's name is Japanese (it has kana, or the rule reads Han
    /// as Japanese): kanji then cannot be read and ``NamingError/needsRomanization(field:)`` is thrown.
    func romanize(_ text: String, part: Part, japanese: Bool, field: String) throws(NamingError) -> String {
        let normalized = Self.dropSuffixes(text.precomposedStringWithCompatibilityMapping)
        var out = ""
        for run in ScriptRun.split(normalized) {
            switch run.script {
            case .latin:
                out += LatinFolding.fold(run.text, style: options.latin)
            case .cyrillic:
                out += CyrillicICAO.romanize(run.text)
            case .hangul:
                if part == .family, options.koreanSurnames == .customary, let customary = KoreanSurnames.customary(run.text) {
                    out += customary
                } else {
                    out += HangulRevisedRomanization.romanize(run.text)
                }
            case .kana:
                out += KanaHepburn.romanize(run.text)
            case .han:
                if japanese { throw .needsRomanization(field: field) }
                out += part == .family ? ChinesePinyin.family(run.text, u: options.chineseU) : ChinesePinyin.given(run.text, u: options.chineseU)
            case .other:
                let latin = run.text.applyingTransform(StringTransform("Any-Latin"), reverse: false) ?? ""
                out += LatinFolding.fold(latin, style: options.latin)
            case .separator:
                if run.text.contains("-") || run.text.contains("‐") || run.text.contains("‑") { out += "-" }
            }
        }
        return Self.clean(out)
    }

    /// Keeps a-z, 0-9 and hyphens between them.
    static func clean(_ text: String) -> String {
        var out = ""
        for scalar in text.lowercased().unicodeScalars {
            switch scalar {
            case "a"..."z", "0"..."9":
                out.unicodeScalars.append(scalar)
            case "-":
                if let last = out.last, last != "-" { out.append("-") }
            default:
                continue
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out
    }

    /// "King Jr." → "King"; a name that is only a suffix is kept.
    static func dropSuffixes(_ text: String) -> String {
        var words = text.split(whereSeparator: { $0.isWhitespace || $0 == "," }).map(String.init)
        while words.count > 1, let last = words.last, suffixes.contains(last.lowercased()) {
            words.removeLast()
        }
        return words.joined(separator: " ")
    }

    /// True when `text` has Japanese kana.
    static func hasKana(_ text: String) -> Bool {
        text.unicodeScalars.contains { Script($0) == .kana }
    }

    /// True when every letter of `text` is a Han character.
    static func isHan(_ text: String) -> Bool {
        let letters = text.unicodeScalars.filter { !$0.properties.isWhitespace && $0 != "·" && $0 != "・" }
        return !letters.isEmpty && letters.allSatisfy { Script($0) == .han }
    }

    static func isHangul(_ text: String) -> Bool {
        let letters = text.unicodeScalars.filter { !$0.properties.isWhitespace }
        return !letters.isEmpty && letters.allSatisfy { Script($0) == .hangul }
    }
}
