// LatinFolding: Latin letters folded to ASCII, plainly or in the German style.

import Foundation

/// Folds Latin letters to ASCII: every diacritic stripped (ä → a) or, in the German style, umlauts
/// spelled out (ä → ae, ö → oe, ü → ue), or in the Scandinavian one å → aa, ø → oe, æ → ae, ä → ae, ö → oe;
/// letters without a decomposition by their usual spelling.
enum LatinFolding {
    /// Letters that Unicode does not decompose into a base letter and a mark.
    static let specialLetters: [Character: String] = [
        "ß": "ss", "ẞ": "ss", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d",
        "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "þ": "th", "Þ": "th", "ı": "i", "ħ": "h", "Ħ": "h",
        "ŧ": "t", "Ŧ": "t", "ŋ": "ng", "Ŋ": "ng", "ĸ": "q", "ſ": "s", "ƒ": "f", "ɖ": "d", "ɛ": "e", "ɔ": "o",
    ]
    static let germanUmlauts: [Character: String] = ["ä": "ae", "ö": "oe", "ü": "ue", "Ä": "ae", "Ö": "oe", "Ü": "ue"]
    /// Danish, Norwegian and Swedish spellings where the letter is unavailable.
    static let scandinavianLetters: [Character: String] = [
        "å": "aa", "Å": "aa", "ø": "oe", "Ø": "oe", "æ": "ae", "Æ": "ae", "ä": "ae", "Ä": "ae", "ö": "oe", "Ö": "oe",
    ]

    static func fold(_ text: String, style: LatinStyle) -> String {
        var out = ""
        for character in text {
            if style == .german, let spelled = germanUmlauts[character] {
                out += spelled
            } else if style == .scandinavian, let spelled = scandinavianLetters[character] {
                out += spelled
            } else if let spelled = specialLetters[character] {
                out += spelled
            } else {
                // Decompose and drop the marks: é → e, ǖ → u, ç → c.
                let decomposed = String(character).decomposedStringWithCanonicalMapping
                for scalar in decomposed.unicodeScalars where scalar.isASCII {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out.lowercased()
    }
}
