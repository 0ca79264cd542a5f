// ProgressBar: a one-line progress bar on a terminal, plain progress lines elsewhere (CI, logs, pipes).

import Foundation
import HireBind

#if canImport(Glibc)
import Glibc
#endif

/// Shows a backfill's progress on standard error (or `output`): a bar redrawn in place on a terminal, a line per
/// tenth of the work when it is not one.
final class ProgressBar: Sendable {
    let output: FileHandle
    let indent: String
    let isTerminal: Bool
    let width: Int

    init(output: FileHandle = .standardError, indent: String = "", width: Int = 30) {
        self.output = output
        self.indent = indent
        self.isTerminal = isatty(output.fileDescriptor) == 1
        self.width = width
    }

    func show(_ progress: Backfill.Progress) {
        guard progress.total > 0 else { return }
        // What print() buffered goes first, so the bar stands where it belongs.
        fflush(nil)
        let counts =
            "queued \(progress.summary.queued.count) · already bound \(progress.summary.alreadyBound) · skipped \(progress.summary.skipped.count)"
        if isTerminal {
            let filled = width * progress.done / progress.total
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            output.write(Data("\r\(indent)[\(bar)] \(progress.done)/\(progress.total)  \(counts)\u{1B}[K".utf8))
            if progress.done == progress.total { output.write(Data("\n".utf8)) }
        } else {
            let step = max(1, progress.total / 10)
            if progress.done % step == 0 || progress.done == progress.total {
                output.write(
                    Data("\(indent)progress: \(progress.done)/\(progress.total) (\(100 * progress.done / progress.total) %), \(counts)\n".utf8))
            }
        }
    }
}
