// SQLiteGroupCommit: concurrent writes committed together, one transaction and one fsync for a batch, each
// write's failure its own.

import GRDB
import Synchronization

/// Commits concurrent writes in groups. A write waits in a queue; whoever finds no commit under way starts one
/// on the database's writer, which takes every write waiting, runs each in a savepoint of one transaction,
/// commits (one fsync for all of them), answers each, and goes on while more wait.
///
/// - A write that throws (a duplicate caught by a unique key, an address held) rolls back to its savepoint and
///   gets its own error; the others of its batch are committed.
/// - A commit that fails (an I/O error, a full disk) fails every write of its batch with that error: none of
///   them is on disk, and none is answered as if it were.
/// - A write is answered only after its batch's COMMIT returned: with `synchronous=FULL`, on disk.
/// - Writes of one batch run one after the other in one transaction: each sees the ones before it, so unique
///   keys and "unless bound" decide between them exactly as between separate transactions.
final class SQLiteGroupCommit: Sendable {
    /// A write waiting for its batch: runs in the batch's transaction, then is told whether the batch committed.
    private struct Pending: Sendable {
        let run: @Sendable (Database) -> Void
        let finish: @Sendable ((any Error)?) -> Void
    }

    private let pool: DatabasePool
    private let queue: GroupCommitQueue<Pending>

    /// Writes run and transactions committed (or tried) so far: their ratio is the batching achieved.
    var statistics: (writes: Int, commits: Int) { queue.statistics }

    /// Tells `observer` of each commit.
    func observe(_ observer: @escaping @Sendable (StoreCommit) -> Void) { queue.observe(observer) }

    init(pool: DatabasePool, maxBatch: Int = 256) {
        self.pool = pool
        self.queue = GroupCommitQueue(maxBatch: maxBatch)
    }

    /// Runs `work` in a savepoint of the next group's transaction and returns its result once that is committed.
    func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let outcome = Mutex<Result<T, any Error>?>(nil)
            let pending = Pending(
                run: { db in
                    // The savepoint's three statements are compiled once (GRDB's `inSavepoint` prepares them
                    // for every write, through its statement authorizer: a tenth of an intake's CPU).
                    let result = Result<T, any Error> {
                        try db.cachedStatement(sql: "SAVEPOINT one_write").execute()
                        do {
                            let value = try work(db)
                            try db.cachedStatement(sql: "RELEASE SAVEPOINT one_write").execute()
                            return value
                        } catch {
                            // After an I/O error SQLite may have rolled the whole transaction back already.
                            if db.isInsideTransaction {
                                try? db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT one_write").execute()
                                try? db.cachedStatement(sql: "RELEASE SAVEPOINT one_write").execute()
                            }
                            throw error
                        }
                    }
                    outcome.withLock { $0 = result }
                },
                finish: { commitError in
                    if let commitError {
                        continuation.resume(throwing: commitError)
                    } else {
                        continuation.resume(with: outcome.withLock { $0 } ?? .failure(CancellationError()))
                    }
                }
            )
            if queue.add(pending) { pool.asyncWriteWithoutTransaction { db in self.drain(db) } }
        }
    }

    /// On the writer: batches until none waits.
    private func drain(_ db: Database) {
        while true {
            let batch = queue.nextBatch()
            guard !batch.isEmpty else { return }
            do {
                try queue.committingSynchronously(batch.count) {
                    try db.inTransaction(.immediate) {
                        // An I/O error or a full disk can make SQLite roll the whole transaction back mid-batch:
                        // the writes after it are not run (they would commit on their own), and COMMIT then fails
                        // for the batch.
                        for pending in batch where db.isInsideTransaction { pending.run(db) }
                        return .commit
                    }
                }
                for pending in batch { pending.finish(nil) }
            } catch {
                for pending in batch { pending.finish(error) }
            }
        }
    }
}
