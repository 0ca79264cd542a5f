import Foundation

/// Turns a name part in any script into lowercase ASCII letters, digits and `-`.
///
/// Latin letters are folded to ASCII (ß → ss, ø → o, æ → ae, ł → l); other scripts go through ICU's
/// `Any-Latin`, except Chinese family names, whose surname reading comes from ``ChineseSurnames``.
public struct Romanizer: Sendable {
    public init() {}

    /// The romanised family name.
    public func family(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let reading = ChineseSurnames.reading(of: trimmed) {
            return reading
        }
        return fold(trimmed)
    }

    /// The romanised given name: syllables and words are joined (小龙 → xiaolong, Mary Ann → maryann).
    public func given(_ text: String) -> String {
        fold(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// ASCII-folds `text`, keeping `a-z`, `0-9` and inner hyphens; drops spaces, apostrophes and the rest.
    func fold(_ text: String) -> String {
        let latin = text.applyingTransform(StringTransform("Any-Latin; Latin-ASCII; Lower"), reverse: false) ?? text.lowercased()
        var out = ""
        for scalar in latin.unicodeScalars {
            switch scalar {
            case "a"..."z", "0"..."9":
                out.unicodeScalars.append(scalar)
            case "-":
                if !out.isEmpty, out.last != "-" { out.append("-") }
            default:
                continue
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out
    }
}
