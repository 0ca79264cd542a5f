// ScriptRun: the writing systems the romanizer treats differently, and runs of them in a string.

/// The writing systems the romanizer treats differently.
enum Script: Equatable {
    case latin, han, kana, hangul, cyrillic, other, separator

    init(_ scalar: Unicode.Scalar) {
        switch scalar.value {
        case 0x3040...0x309F, 0x30A0...0x30FF, 0x31F0...0x31FF: self = .kana
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2EBEF, 0xF900...0xFAFF, 0x3007: self = .han
        case 0xAC00...0xD7A3, 0x1100...0x11FF, 0x3130...0x318F: self = .hangul
        case 0x0400...0x052F: self = .cyrillic
        default:
            if scalar.properties.isWhitespace || "-'’‐‑.·・,_".unicodeScalars.contains(scalar) {
                self = .separator
            } else if scalar.isASCII || (0x00C0...0x024F).contains(scalar.value) || (0x1E00...0x1EFF).contains(scalar.value) {
                self = .latin
            } else {
                self = .other
            }
        }
    }
}

/// A maximal stretch of one script in a name.
struct ScriptRun: Equatable {
    var script: Script
    var text: String

    /// Splits `text` into runs; combining marks stay with the run before them.
    static func split(_ text: String) -> [ScriptRun] {
        var runs: [ScriptRun] = []
        for scalar in text.unicodeScalars {
            var script = Script(scalar)
            if scalar.properties.generalCategory == .nonspacingMark, let last = runs.last { script = last.script }
            if var last = runs.last, last.script == script {
                last.text.unicodeScalars.append(scalar)
                runs[runs.count - 1] = last
            } else {
                runs.append(ScriptRun(script: script, text: String(scalar)))
            }
        }
        return runs
    }
}
