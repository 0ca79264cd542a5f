// ProgressBar: a one-line progress bar on a terminal, plain progress lines elsewhere (CI, logs, pipes).

import Foundation
import HireBind
import JobStore
import Synchronization

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
    /// The last tenth of the work (or minute) a plain line was written for.
    private let lastLine = Mutex<(tenth: Int, second: Double)>((-1, 0))
    private let clock = ContinuousClock()
    private let started = ContinuousClock.now

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
            redraw(done: progress.done, total: progress.total, counts)
        } else {
            let step = max(1, progress.total / 10)
            if progress.done % step == 0 || progress.done == progress.total {
                output.write(
                    Data("\(indent)progress: \(progress.done)/\(progress.total) (\(100 * progress.done / progress.total) %), \(counts)\n".utf8))
            }
        }
    }

    /// A followed backfill: bound, failed, the rate and the time left. Off a terminal, a line per tenth of the
    /// work and at least one a minute.
    func show(_ progress: BackfillFollower.Progress) {
        guard progress.total > 0 else { return }
        var counts = "bound \(progress.succeeded) · failed \(progress.failed)"
        if let rate = progress.ratePerMinute { counts += " · \(Int(rate.rounded()))/min" }
        counts += " · " + (progress.secondsLeft.map { Self.clockTime($0) + " left" } ?? "nothing binding yet: is the service running?")
        if isTerminal {
            redraw(done: progress.done, total: progress.total, counts)
            return
        }
        let tenth = 10 * progress.done / progress.total
        let second = (clock.now - started) / .seconds(1)
        let due = lastLine.withLock { last in
            guard tenth > last.tenth || second - last.second >= 60 else { return false }
            last = (tenth, second)
            return true
        }
        if due {
            output.write(
                Data("\(indent)binding: \(progress.done)/\(progress.total) (\(100 * progress.done / progress.total) %), \(counts)\n".utf8))
        }
    }

    /// A store moved to PostgreSQL: one bar per table. Off a terminal, a line per tenth of each table.
    func show(_ progress: SQLiteToPostgres.Progress) {
        fflush(nil)
        let counts = progress.table
        guard progress.total > 0 else {
            output.write(Data("\(indent)\(counts): nothing to copy\n".utf8))
            return
        }
        if isTerminal {
            redraw(done: progress.copied, total: progress.total, counts)
        } else if progress.copied == 0 || progress.copied == progress.total
            || progress.copied / max(1, progress.total / 10) != (progress.copied - 1) / max(1, progress.total / 10)
        {
            output.write(Data("\(indent)\(counts): \(progress.copied)/\(progress.total) (\(100 * progress.copied / progress.total) %)\n".utf8))
        }
    }

    /// The bar redrawn in place on a terminal, ended with a newline when the work is done.
    private func redraw(done: Int, total: Int, _ counts: String) {
        let filled = width * done / total
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        output.write(Data("\r\(indent)[\(bar)] \(done)/\(total)  \(counts)\u{1B}[K".utf8))
        if done == total { output.write(Data("\n".utf8)) }
    }

    /// `1:05:09` for 3909 seconds.
    static func clockTime(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        let minutesAndSeconds = String(format: "%02d:%02d", whole / 60 % 60, whole % 60)
        return "\(whole / 3600):\(minutesAndSeconds)"
    }
}
