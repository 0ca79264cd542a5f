// CyrillicICAO: Cyrillic to Latin as ICAO Doc 9303 spells it.

/// Cyrillic to Latin as ICAO Doc 9303 (machine-readable passports) spells it:
/// Юлия Щербакова → iuliia shcherbakova.
enum CyrillicICAO {
    static let letters: [Character: String] = [
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
        "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
        "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y",
        "ь": "", "э": "e", "ю": "iu", "я": "ia",
        // Ukrainian, Belarusian.
        "ґ": "g", "є": "ie", "і": "i", "ї": "i", "ў": "u",
        // Serbian, Macedonian.
        "ђ": "d", "ѓ": "g", "ѕ": "dz", "ј": "j", "љ": "lj", "њ": "nj", "ќ": "k", "ћ": "c", "џ": "dz",
    ]

    static func romanize(_ text: String) -> String {
        var out = ""
        for character in text.lowercased() {
            out += letters[character] ?? String(character)
        }
        return out
    }
}
