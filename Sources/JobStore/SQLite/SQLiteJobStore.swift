// SQLiteJobStore: the embedded store engine: one SQLite file in WAL mode through GRDB, its schema and migrations.

import Foundation
import GRDB

/// The embedded store: one SQLite file in WAL mode through GRDB, `synchronous=FULL` so that a committed intake
/// survives a power cut. Its contracts are implemented one per file (`SQLiteJobStore+….swift`).
public final class SQLiteJobStore: Sendable {
    let pool: DatabasePool

    public init(path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        self.pool = try DatabasePool(path: path, configuration: configuration)
        // The store holds the Feishu token pair: readable by the service's user only (SQLite gives its WAL and
        // shared-memory files the same mode).
        try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        try Self.migrator.migrate(pool)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in try db.execute(sql: SQLiteSchema.v1) }
        migrator.registerMigration("v2: offboarding, user id lookup, sync follow-up, user token") { db in try db.execute(sql: SQLiteSchema.v2) }
        migrator.registerMigration("v3: outcome unknown") { db in try db.execute(sql: SQLiteSchema.v3) }
        migrator.registerMigration("v4: callback numbering beside the job, no event copy") { db in try db.execute(sql: SQLiteSchema.v4) }
        return migrator
    }
}
