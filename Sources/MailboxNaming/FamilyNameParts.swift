// FamilyNameParts: a family name of several surnames and particles, arranged as a rule set asks.

/// Spanish and Portuguese names carry two surnames (García López, Silva Santos), Dutch, German, French and
/// Italian ones particles (van der Berg, von Weizsäcker, de la Cruz, di Stefano). A family name is read as
/// surnames, each with the particles before it; conjunctions between surnames (y, e, i) are dropped. Then the
/// rule set's `surnames` choice keeps all of them (joined or hyphenated), the first or the last, and its
/// `particles` choice joins each particle to its surname, drops it, or keeps it hyphenated.
enum FamilyNameParts {
    static let particles: Set<String> = [
        "van", "von", "de", "der", "den", "des", "del", "della", "delle", "dei", "degli", "di", "da", "das", "do", "dos", "du",
        "la", "le", "les", "lo", "ten", "ter", "te", "zu", "zum", "zur", "vom", "'t", "al", "el", "bin", "ibn", "mac", "st.", "san", "santa",
    ]
    static let conjunctions: Set<String> = ["y", "e", "i"]

    struct Surname: Equatable {
        var particles: [String]
        var main: String
    }

    /// The surnames of `family`, each with its particles.
    static func surnames(_ family: String) -> [Surname] {
        var surnames: [Surname] = []
        var pending: [String] = []
        for word in family.split(whereSeparator: \.isWhitespace).map(String.init) {
            let lower = word.lowercased()
            if conjunctions.contains(lower), !surnames.isEmpty, pending.isEmpty { continue }
            if particles.contains(lower) {
                pending.append(word)
            } else {
                surnames.append(Surname(particles: pending, main: word))
                pending = []
            }
        }
        // Trailing particles alone (a name that is only "de la") stay as written.
        if !pending.isEmpty {
            if surnames.isEmpty { return [Surname(particles: Array(pending.dropLast()), main: pending.last!)] }
            surnames[surnames.count - 1].main += " " + pending.joined(separator: " ")
        }
        return surnames
    }

    /// `family` arranged by `surnames` and `particles`; nil when nothing changes (one word, or the defaults).
    static func arrange(_ family: String, surnames choice: SurnameChoice, particles style: ParticleStyle) -> String? {
        guard choice != .join || style != .join else { return nil }
        let all = surnames(family)
        guard all.count > 1 || all.contains(where: { !$0.particles.isEmpty }) else { return nil }
        let kept: [Surname] =
            switch choice {
            case .join, .hyphen: all
            case .first: Array(all.prefix(1))
            case .last: Array(all.suffix(1))
            }
        let rendered = kept.map { surname -> String in
            switch style {
            case .join: (surname.particles + [surname.main]).joined()
            case .drop: surname.main
            case .keep: (surname.particles + [surname.main]).joined(separator: "-")
            }
        }
        return rendered.joined(separator: choice == .hyphen ? "-" : "")
    }
}
