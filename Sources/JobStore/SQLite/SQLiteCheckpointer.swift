// SQLiteCheckpointer: the write-ahead log copied into the database beside the writer, never in its commit.

import Dispatch
import GRDB
import GRDBSQLite
import Synchronization

/// Moves the write-ahead log into the database file off the writer's path. SQLite's own auto-checkpoint runs
/// inside the commit that crosses its threshold: that commit (and every intake of a group commit waiting on it)
/// waits while a thousand pages are copied and the database file is fsynced. Here a hook on the writer
/// connection (`sqlite3_wal_hook`, which replaces the auto-checkpoint) only notes the log's size after each
/// commit and, past `thresholdPages`, wakes a passive checkpoint on a connection of its own, on its own queue:
/// it copies what no reader still needs while the writer goes on committing. A passive checkpoint cannot start
/// the log over while the writer keeps appending to it, so under a steady load the log would only grow; past
/// `highWaterPages` the writer itself runs a truncating checkpoint from the hook, between two commits (where
/// SQLite's own auto-checkpoint would have run), and the log starts over, empty. Crash safety is SQLite's: a
/// checkpoint syncs the log before it copies and the database after.
final class SQLiteCheckpointer: Sendable {
    /// Opened at the first checkpoint, once the pool has put the file in WAL mode: a connection opened before
    /// reads the file as a rollback journal's and its checkpoints do nothing.
    private let opened = Mutex<DatabaseQueue?>(nil)
    private let path: String
    private let configuration: Configuration
    private let queue = DispatchQueue(label: "hirebind.sqlite.checkpoint")
    private let state = Mutex((scheduled: false, checkpoints: 0, truncations: 0))
    let thresholdPages: Int32
    /// Past this, the writer checkpoints (TRUNCATE) so that the log starts over, empty: passive ones rarely catch up
    /// under a steady load, and a log that only grows slows every read and lengthens recovery.
    let highWaterPages: Int32
    private let pages = Atomic<Int32>(0)
    private let mostPages = Atomic<Int32>(0)

    init(path: String, configuration: Configuration, thresholdPages: Int32, highWaterPages: Int32) {
        self.path = path
        self.configuration = configuration
        self.thresholdPages = thresholdPages
        self.highWaterPages = highWaterPages
    }

    /// Checkpoints run so far, and how many of them waited for the writer and emptied the log.
    var checkpoints: Int { state.withLock { $0.checkpoints } }
    var truncations: Int { state.withLock { $0.truncations } }
    /// The longest the log has been, in pages, after a commit.
    var longestLog: Int32 { mostPages.load(ordering: .relaxed) }

    /// Installs the hook on the writer connection `db`.
    func watch(_ db: Database) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        sqlite3_wal_hook(
            db.sqliteConnection,
            { context, connection, _, pages in
                guard let context else { return SQLITE_OK }
                let checkpointer = Unmanaged<SQLiteCheckpointer>.fromOpaque(context).takeUnretainedValue()
                checkpointer.pages.store(pages, ordering: .relaxed)
                checkpointer.mostPages.max(pages, ordering: .relaxed)
                if pages >= checkpointer.highWaterPages {
                    // Passive checkpoints have not kept up: the writer itself, between two commits, copies the
                    // log and starts it over (readers that still need it make this return SQLITE_BUSY at once;
                    // the next commit tries again).
                    var logPages: Int32 = 0
                    var copied: Int32 = 0
                    let result = sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_TRUNCATE, &logPages, &copied)
                    checkpointer.truncated(result == SQLITE_OK)
                } else if pages >= checkpointer.thresholdPages {
                    checkpointer.schedule()
                }
                return SQLITE_OK
            }, context)
    }

    func connection() throws -> DatabaseQueue {
        try opened.withLock { opened in
            if let opened { return opened }
            let connection = try DatabaseQueue(path: path, configuration: configuration)
            opened = connection
            return connection
        }
    }

    /// Takes the hook away from `db` (before the checkpointer goes).
    func unwatch(_ db: Database) {
        sqlite3_wal_hook(db.sqliteConnection, nil, nil)
    }

    func truncated(_ done: Bool) {
        state.withLock { state in
            state.checkpoints += 1
            if done { state.truncations += 1 }
        }
    }

    /// Runs one passive checkpoint soon, unless one is already waiting to run.
    func schedule() {
        let starts = state.withLock { state in
            guard !state.scheduled else { return false }
            state.scheduled = true
            return true
        }
        guard starts else { return }
        queue.async {
            self.state.withLock { $0.scheduled = false }
            // Passive: copies what it can without waiting for a reader or the writer; a later commit asks again.
            _ = try? self.connection().writeWithoutTransaction { db in try db.checkpoint(.passive) }
            self.state.withLock { $0.checkpoints += 1 }
        }
    }
}
