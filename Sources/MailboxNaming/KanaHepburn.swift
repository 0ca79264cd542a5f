// KanaHepburn: Japanese kana to Latin by passport Hepburn.

import Foundation

/// Japanese kana to Latin by the Hepburn system as Japanese passports write it: long vowels are not
/// marked (おう, おお → o; うう → u; ー dropped), ん is m before b, m and p, っ doubles the next consonant.
enum KanaHepburn {
    static let syllables: [String: String] = {
        var table: [String: String] = [:]
        let rows = """
            あa いi うu えe おo かka きki くku けke こko さsa しshi すsu せse そso たta ちchi つtsu てte とto
            なna にni ぬnu ねne のno はha ひhi ふfu へhe ほho まma みmi むmu めme もmo やya ゆyu よyo
            らra りri るru れre ろro わwa ゐi ゑe をo んn がga ぎgi ぐgu げge ごgo ざza じji ずzu ぜze ぞzo
            だda ぢji づzu でde どdo ばba びbi ぶbu べbe ぼbo ぱpa ぴpi ぷpu ぺpe ぽpo ゔvu
            ぁa ぃi ぅu ぇe ぉo ゃya ゅyu ょyo ゎwa
            きゃkya きゅkyu きょkyo しゃsha しゅshu しょsho ちゃcha ちゅchu ちょcho にゃnya にゅnyu にょnyo
            ひゃhya ひゅhyu ひょhyo みゃmya みゅmyu みょmyo りゃrya りゅryu りょryo ぎゃgya ぎゅgyu ぎょgyo
            じゃja じゅju じょjo ぢゃja ぢゅju ぢょjo びゃbya びゅbyu びょbyo ぴゃpya ぴゅpyu ぴょpyo
            ふぁfa ふぃfi ふぇfe ふぉfo てぃti でぃdi とぅtu どぅdu しぇshe じぇje ちぇche うぃwi うぇwe うぉwo
            ゔぁva ゔぃvi ゔぇve ゔぉvo つぁtsa
            """
        for entry in rows.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let kana = entry.prefix { !$0.isASCII }
            table[String(kana)] = String(entry.dropFirst(kana.count))
        }
        return table
    }()

    /// Katakana to hiragana, so one table serves both.
    static func hiragana(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if (0x30A1...0x30F6).contains(scalar.value), let shifted = Unicode.Scalar(scalar.value - 0x60) {
                out.unicodeScalars.append(shifted)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func romanize(_ text: String) -> String {
        let kana = Array(hiragana(text.precomposedStringWithCanonicalMapping))
        var out = ""
        var doubleNext = false
        var index = 0
        while index < kana.count {
            let character = kana[index]
            if character == "っ" {
                doubleNext = true
                index += 1
                continue
            }
            if character == "ー" || character == "・" {
                index += 1
                continue
            }
            var syllable: String?
            if index + 1 < kana.count, let pair = syllables[String(kana[index...index + 1])] {
                syllable = pair
                index += 2
            } else {
                syllable = syllables[String(character)]
                index += 1
            }
            guard var romaji = syllable else { continue }
            if doubleNext, let first = romaji.first, !"aeiou".contains(first) {
                romaji = (romaji.hasPrefix("ch") ? "t" : String(first)) + romaji
            }
            doubleNext = false
            out += romaji
        }
        return passportSpelling(out)
    }

    /// Drops the long vowels and writes ん as m before labials.
    static func passportSpelling(_ romaji: String) -> String {
        var text = romaji
        for (long, short) in [("ou", "o"), ("oo", "o"), ("uu", "u")] {
            while text.contains(long) { text = text.replacingOccurrences(of: long, with: short) }
        }
        for labial in ["b", "m", "p"] {
            text = text.replacingOccurrences(of: "n" + labial, with: "m" + labial)
        }
        return text
    }
}
