// GroupCommitQueue: where the writes of a group commit wait for their batch, for both engines.

import Synchronization

/// The waiting room of a group commit. A write waits here; the first to find no batch under way starts the loop
/// that takes the writes in batches (``nextBatch()``) until none waits, and the next write after that starts it
/// again. Only one loop runs at a time, so a batch is whatever arrived while the one before it was committing.
final class GroupCommitQueue<Pending: Sendable>: Sendable {
    private struct State {
        var waiting: [Pending] = []
        var committing = false
    }

    private let state = Mutex(State())
    private let counts = Mutex((writes: 0, commits: 0))
    private let observer = Mutex<(@Sendable (StoreCommit) -> Void)?>(nil)
    let maxBatch: Int

    /// Writes committed (or tried) so far, and the commits (or tries) they took: their ratio is the batching achieved.
    var statistics: (writes: Int, commits: Int) { counts.withLock { $0 } }

    /// Who is told of each commit (``CommitObserving``); one at a time, the last set.
    func observe(_ observer: @escaping @Sendable (StoreCommit) -> Void) {
        self.observer.withLock { $0 = observer }
    }

    /// Runs `commit`, a commit (or try) of `writes` writes, counting it and telling the observer how long it took.
    func committing<T>(_ writes: Int, _ commit: () async throws -> T) async throws -> T {
        let started = ContinuousClock.now
        var failed = true
        defer { record(writes, since: started, failed: failed) }
        let value = try await commit()
        failed = false
        return value
    }

    /// The same for a commit run on a thread of its own (SQLite's writer), which cannot await.
    func committingSynchronously<T>(_ writes: Int, _ commit: () throws -> T) throws -> T {
        let started = ContinuousClock.now
        var failed = true
        defer { record(writes, since: started, failed: failed) }
        let value = try commit()
        failed = false
        return value
    }

    private func record(_ writes: Int, since started: ContinuousClock.Instant, failed: Bool) {
        let commit = StoreCommit(writes: writes, duration: ContinuousClock.now - started, failed: failed)
        counts.withLock { $0 = ($0.writes + commit.writes, $0.commits + 1) }
        observer.withLock { $0 }?(commit)
    }

    init(maxBatch: Int) {
        precondition(maxBatch > 0, "a batch holds at least one write")
        self.maxBatch = maxBatch
    }

    /// Adds a write. True when no loop is under way: the caller must start one.
    func add(_ pending: Pending) -> Bool {
        state.withLock { state in
            state.waiting.append(pending)
            guard !state.committing else { return false }
            state.committing = true
            return true
        }
    }

    /// The next batch, oldest first, of at most ``maxBatch`` writes. Empty when none waits: the loop ends there.
    func nextBatch() -> [Pending] {
        state.withLock { state in
            let batch = Array(state.waiting.prefix(maxBatch))
            state.waiting.removeFirst(batch.count)
            if batch.isEmpty { state.committing = false }
            return batch
        }
    }
}
