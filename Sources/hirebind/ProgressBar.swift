// ProgressBar: a one-line progress bar on a terminal, plain progress lines elsewhere (CI, logs, pipes).

import Foundation
import HireBind

#if canImport(Glibc)
import Glibc
#endif

/// Shows a backfill's progress on standard error: a bar redrawn in place on a terminal, a line per tenth of the
/// work when standard error is not one.
final class ProgressBar: Sendable {
    let isTerminal = isatty(STDERR_FILENO) == 1
    let width = 30

    func show(_ progress: Backfill.Progress) {
        guard progress.total > 0 else { return }
        let counts =
            "queued \(progress.summary.queued.count) · already bound \(progress.summary.alreadyBound) · skipped \(progress.summary.skipped.count)"
        if isTerminal {
            let filled = width * progress.done / progress.total
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            FileHandle.standardError.write(Data("\r[\(bar)] \(progress.done)/\(progress.total)  \(counts)\u{1B}[K".utf8))
            if progress.done == progress.total { FileHandle.standardError.write(Data("\n".utf8)) }
        } else {
            let step = max(1, progress.total / 10)
            if progress.done % step == 0 || progress.done == progress.total {
                FileHandle.standardError.write(
                    Data("progress: \(progress.done)/\(progress.total) (\(100 * progress.done / progress.total) %), \(counts)\n".utf8))
            }
        }
    }
}
