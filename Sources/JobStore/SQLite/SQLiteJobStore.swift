// SQLiteJobStore: the embedded store engine: one SQLite file in WAL mode through GRDB, its schema and migrations.

import Foundation
import GRDB

/// The embedded store: one SQLite file in WAL mode through GRDB, `synchronous=FULL` so that a committed intake
/// survives a power cut. Its contracts are implemented one per file (`SQLiteJobStore+….swift`).
public final class SQLiteJobStore: Sendable {
    let pool: DatabasePool
    /// The hot writes share transactions (``SQLiteGroupCommit``): one fsync for all those waiting. Intakes, and the
    /// workers' leases, renewals and settles; rare writes (requeues, purges, leadership, the token) commit alone.
    let writes: SQLiteGroupCommit
    /// Checkpoints the write-ahead log beside the writer, never inside a commit.
    let checkpointer: SQLiteCheckpointer
    private static let opening = NSLock()

    /// - Parameter checkpointPages: the log's length (4 KiB pages) past which it is checkpointed beside the writer
    ///   (passively), and past which the writer itself checkpoints it so that it starts over; tests make them small.
    public init(path: String, checkpointPages: (passive: Int32, truncate: Int32) = (1000, 4000)) throws {
        // The store holds the Feishu token pair: every file of it (the database, its -wal and -shm files, a new
        // folder) is created readable by the service's user only, from the first byte.
        // The mask is the process's: one store opens at a time, so two openings cannot leave it changed.
        Self.opening.lock()
        defer { Self.opening.unlock() }
        let previousMask = umask(0o077)
        defer { umask(previousMask) }
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // A group commit's savepoints keep their undo records in memory, not in temporary files (each batch
            // spilled them to a new file in /var/tmp: thousands of writes a second at full load).
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        let checkpointer = SQLiteCheckpointer(
            path: path, configuration: configuration, thresholdPages: checkpointPages.passive, highWaterPages: checkpointPages.truncate)
        self.checkpointer = checkpointer
        configuration.prepareDatabase { db in
            // Replaces SQLite's auto-checkpoint, which would copy the log inside the commit that fills it.
            checkpointer.watch(db)
        }
        self.pool = try DatabasePool(path: path, configuration: configuration)
        // GRDB puts the pool's writer in WAL mode after `prepareDatabase`, and sets `synchronous = NORMAL` with it:
        // commits would then reach the disk only at checkpoints, safe from a crash of the process but not of the
        // machine. A 202 means on disk: FULL again, on the writer, for good.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        self.writes = SQLiteGroupCommit(pool: pool)
        // A file made before this version (or by hand) is made private too.
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path + suffix)
        }
        try Self.migrator.migrate(pool)
    }

    deinit {
        // The writer's hook points at the checkpointer: take it away before either goes.
        try? pool.writeWithoutTransaction { db in checkpointer.unwatch(db) }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in try db.execute(sql: SQLiteSchema.v1) }
        migrator.registerMigration("v2: offboarding, user id lookup, sync follow-up, user token") { db in try db.execute(sql: SQLiteSchema.v2) }
        migrator.registerMigration("v3: outcome unknown") { db in try db.execute(sql: SQLiteSchema.v3) }
        migrator.registerMigration("v4: callback numbering beside the job, no event copy") { db in try db.execute(sql: SQLiteSchema.v4) }
        migrator.registerMigration("v5: expired callback leases by index") { db in try db.execute(sql: SQLiteSchema.v5) }
        migrator.registerMigration("v6: unbind jobs by their target") { db in try db.execute(sql: SQLiteSchema.v6) }
        migrator.registerMigration("v7: the console's history: names, deliveries, sync observations") { db in
            try db.execute(sql: SQLiteSchema.v7)
        }
        migrator.registerMigration("v8: the maintenance leader") { db in try db.execute(sql: SQLiteSchema.v8) }
        return migrator
    }
}
