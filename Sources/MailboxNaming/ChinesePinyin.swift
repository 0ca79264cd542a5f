// ChinesePinyin: Chinese characters to toneless pinyin, surnames by their surname readings.

import Foundation

/// Chinese characters to pinyin without tones: surnames from ``ChineseSurnames``, everything else through
/// ICU's Han-Latin transform; syllables are joined (小龙 → xiaolong) and ü spelled as the rule asks.
enum ChinesePinyin {
    static func family(_ text: String, u: ChineseUSpelling) -> String {
        if let reading = ChineseSurnames.reading(of: text) {
            return spell(reading, u: u)
        }
        // An unlisted two-character family name: the first character may still be a listed surname.
        return given(text, u: u)
    }

    static func given(_ text: String, u: ChineseUSpelling) -> String {
        let pinyin = text.applyingTransform(StringTransform("Han-Latin"), reverse: false) ?? text
        return spell(pinyin, u: u)
    }

    /// Spells ü (any tone) by `u`, then drops tone marks and spaces.
    static func spell(_ pinyin: String, u: ChineseUSpelling) -> String {
        var out = ""
        for character in pinyin.lowercased() {
            switch character {
            case "ü", "ǖ", "ǘ", "ǚ", "ǜ": out += u.spelling
            case " ", "'": continue
            default: out += LatinFolding.fold(String(character), style: .strip)
            }
        }
        return out
    }
}
