// HangulRevisedRomanization: Korean hangul to Latin by the Revised Romanization.

import Foundation

/// Korean hangul to Latin by the Revised Romanization (2000), as used for personal names: syllable by
/// syllable, without the sound changes between syllables (한복남 → hanboknam), ㄹㄹ written ll.
enum HangulRevisedRomanization {
    static let initials = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"]
    static let medials = [
        "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i",
    ]
    static let finals = [
        "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
    ]
    /// Korean family names of two syllables; any other name's family is its first syllable.
    static let compoundSurnames: Set<String> = ["남궁", "황보", "제갈", "선우", "독고", "사공", "서문", "동방", "망절"]

    static func romanize(_ text: String) -> String {
        var out = ""
        var previousFinal = 0
        for scalar in text.precomposedStringWithCanonicalMapping.unicodeScalars {
            guard (0xAC00...0xD7A3).contains(scalar.value) else {
                previousFinal = 0
                continue
            }
            let index = Int(scalar.value - 0xAC00)
            let initial = index / (21 * 28), medial = (index % (21 * 28)) / 28, final = index % 28
            // ㄹ after a ㄹ final is written l (ll), not r.
            out += (initial == 5 && previousFinal == 8) ? "l" : initials[initial]
            out += medials[medial]
            out += finals[final]
            previousFinal = final
        }
        return out
    }
}
