// NameParts: the romanised parts of a name, ready for the templates.

import Foundation

/// The romanised parts of a name, ready for the templates.
struct NameParts {
    var family: String
    var given: String
    var middle: String
    var preferredGiven: String

    init(_ name: PersonName, rule: NamingRuleSet, notes: inout [String]) throws(NamingError) {
        var family = name.family.trimmingCharacters(in: .whitespacesAndNewlines)
        var given = name.given.trimmingCharacters(in: .whitespacesAndNewlines)
        var middle = name.middle
        let options = rule.transliteration
        if family.isEmpty || given.isEmpty, let whole = Self.wholeName(name, family: family, given: given) {
            if options.vietnamese || Self.looksVietnamese(whole), let split = Self.vietnameseSplit(whole) {
                (family, given) = (split.family, split.given)
                if middle == nil, !split.middle.isEmpty { middle = split.middle }
                notes.append(
                    "split the Vietnamese name '\(whole)' into family '\(family)', given '\(given)'"
                        + (split.middle.isEmpty ? "" : " and middle '\(split.middle)'"))
            } else {
                let split = Self.split(whole)
                family = split.family
                given = split.given
                notes.append("split the full name '\(whole)' into family '\(family)' and given '\(given)'")
            }
        } else if options.vietnamese, middle == nil {
            let words = given.split(whereSeparator: \.isWhitespace)
            if words.count > 1 {
                middle = words.dropLast().joined(separator: " ")
                given = String(words[words.count - 1])
                notes.append("Vietnamese name: given name '\(given)' (the last word), middle name '\(middle ?? "")'")
            }
        }
        func arranged(_ text: String) -> String {
            guard let result = FamilyNameParts.arrange(text, surnames: options.surnames, particles: options.particles) else { return text }
            notes.append(
                "family name '\(text)' taken as '\(result)' (surnames: \(options.surnames.rawValue), particles: \(options.particles.rawValue))")
            return result
        }
        family = arranged(family)
        let romanizer = Romanizer(options: options)
        let everything = [family, given, middle ?? "", name.preferredGiven ?? ""].joined()
        let japanese = options.han == .japanese || Romanizer.hasKana(everything)

        if rule.preferHRRomanization, let romanFamily = name.romanizedFamily, let romanGiven = name.romanizedGiven,
            !Romanizer.clean(LatinFolding.fold(romanFamily, style: options.latin)).isEmpty
                || !Romanizer.clean(LatinFolding.fold(romanGiven, style: options.latin)).isEmpty
        {
            self.family = try romanizer.romanize(
                arranged(romanFamily), part: .family, japanese: japanese, field: "employee.romanized_family_name")
            self.given = try romanizer.romanize(romanGiven, part: .given, japanese: japanese, field: "employee.romanized_given_name")
            notes.append("used the romanised name from HR")
        } else {
            self.family = try romanizer.romanize(family, part: .family, japanese: japanese, field: "employee.family_name")
            self.given = try romanizer.romanize(given, part: .given, japanese: japanese, field: "employee.given_name")
            if Romanizer.isHan(family), let reading = ChineseSurnames.reading(of: family), !japanese {
                notes.append("family name \(family) read as its surname reading '\(ChinesePinyin.spell(reading, u: options.chineseU))'")
            }
        }
        self.middle =
            try middle.map { m throws(NamingError) in try romanizer.romanize(m, part: .given, japanese: japanese, field: "employee.middle_name")
            } ?? ""
        self.preferredGiven =
            try name.preferredGiven.map { p throws(NamingError) in
                try romanizer.romanize(p, part: .given, japanese: japanese, field: "employee.preferred_given_name")
            } ?? ""
        guard !self.family.isEmpty || !self.given.isEmpty else {
            throw .nothingUsable(
                "the name leaves no letter or digit after transliteration: send a romanised name (employee.romanized_family_name, employee.romanized_given_name)"
            )
        }
    }

    /// Whether a whole name is written with letters only Vietnamese uses: ơ ư (a horn), a hook above (ả ủ), or a
    /// vowel with two marks (ễ ậ ờ). Such a name is read family first, whatever the rule set says. (đ, ă and a
    /// dot below are not enough: Serbo-Croatian, Romanian and Yoruba names have them.)
    static func looksVietnamese(_ whole: String) -> Bool {
        whole.contains { character in
            let marks = String(character).decomposedStringWithCanonicalMapping.unicodeScalars.filter {
                $0.properties.generalCategory == .nonspacingMark
            }
            return marks.count >= 2 || marks.contains { $0.value == 0x031B || $0.value == 0x0309 }
        }
    }

    /// A Vietnamese whole name, family first: "Nguyễn Thị Minh Khai" → family Nguyễn, given Khai, middle Thị Minh.
    static func vietnameseSplit(_ whole: String) -> (family: String, given: String, middle: String)? {
        let words = whole.split(whereSeparator: \.isWhitespace).map(String.init)
        guard words.count >= 2 else { return nil }
        return (words[0], words[words.count - 1], words.dropFirst().dropLast().joined(separator: " "))
    }

    /// The text to split when one of the parts is missing.
    static func wholeName(_ name: PersonName, family: String, given: String) -> String? {
        if let full = name.fullName?.trimmingCharacters(in: .whitespacesAndNewlines), !full.isEmpty { return full }
        let single = family.isEmpty ? given : family
        guard !single.isEmpty, Romanizer.isHan(single) || Romanizer.isHangul(single) else { return nil }
        return single
    }

    /// Splits a whole name: Chinese by the surname table, Korean by its first syllable (or a two-syllable
    /// surname), East Asian names with a space family-first, other names with the last word as the family.
    static func split(_ whole: String) -> (family: String, given: String) {
        if Romanizer.isHan(whole), !whole.contains(" "), let split = ChineseSurnames.split(fullName: whole) {
            return split
        }
        if Romanizer.isHangul(whole), !whole.contains(" ") {
            let syllables = Array(whole)
            if syllables.count >= 3, HangulRevisedRomanization.compoundSurnames.contains(String(syllables[0...1])) {
                return (String(syllables[0...1]), String(syllables[2...]))
            }
            return syllables.count >= 2 ? (String(syllables[0]), String(syllables[1...])) : (whole, "")
        }
        let words = Romanizer.dropSuffixes(whole).split(whereSeparator: \.isWhitespace).map(String.init)
        guard words.count >= 2 else { return (whole, "") }
        let eastAsian = whole.unicodeScalars.contains { [.han, .kana, .hangul].contains(Script($0)) }
        if eastAsian {
            return (words[0], words.dropFirst().joined(separator: " "))
        }
        return (words[words.count - 1], words.dropLast().joined(separator: " "))
    }
}
