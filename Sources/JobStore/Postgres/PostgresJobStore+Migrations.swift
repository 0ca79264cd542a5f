// PostgresJobStore+Migrations: applies PostgresSchema's versions at start, one replica at a time, under an advisory lock.

import Foundation
import Logging
import PostgresNIO

/// The schema is brought up to date in one transaction that first takes a transaction-level advisory lock:
/// replicas starting together wait for each other, and the second finds the work done. DDL is transactional in
/// PostgreSQL, so a version either applies whole or not at all.
enum PostgresMigrator {
    /// The advisory lock key spaces (the first half of a two-key lock): the migration, a person's intakes, a method's calls.
    static let migrationLockSpace: Int32 = 0x6862_0001
    static let personLockSpace: Int32 = 0x6862_0002
    /// A Feishu method's call bookings (``SharedCallWindows``).
    static let callWindowLockSpace: Int32 = 0x6862_0003

    static let ledger = """
        CREATE TABLE IF NOT EXISTS hirebind_schema_versions (
            version bigint PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
        """

}

extension PostgresJobStore: SchemaMigrations {
    func applyMigrations() async throws {
        try await transaction { tx in
            try await tx.rows("SELECT pg_advisory_xact_lock(\(PostgresMigrator.migrationLockSpace), 0)")
            try await tx.rows(PostgresQuery(unsafeSQL: PostgresMigrator.ledger))
            let applied = try await Self.applied(tx.rows("SELECT version, name, applied_at FROM hirebind_schema_versions"))
            let known = Set(PostgresSchema.versions.map(\.version))
            if let newer = applied.keys.filter({ !known.contains($0) }).max() {
                throw PostgresSchemaTooNew(databaseVersion: newer, knownVersion: known.max() ?? 0)
            }
            for step in PostgresSchema.versions where applied[step.version] == nil {
                logger.info("applying schema version", metadata: ["version": "\(step.version)", "name": "\(step.name)"])
                // One statement at a time: the extended protocol takes one per query.
                for statement in PostgresSchema.statements(of: step.sql) { try await tx.rows(PostgresQuery(unsafeSQL: statement)) }
                try await tx.rows("INSERT INTO hirebind_schema_versions (version, name) VALUES (\(step.version), \(step.name))")
            }
        }
    }

    public func schemaVersions() async throws -> [SchemaVersion] {
        let present = try await rows("SELECT to_regclass('hirebind_schema_versions') IS NOT NULL AS present").first?.value("present", as: Bool.self)
        let applied = present == true ? try Self.applied(await rows("SELECT version, name, applied_at FROM hirebind_schema_versions")) : [:]
        var versions = PostgresSchema.versions.map { step in
            SchemaVersion(version: step.version, name: step.name, applied: applied[step.version] != nil, appliedAt: applied[step.version]?.at)
        }
        let known = Set(versions.map(\.version))
        for (version, row) in applied.sorted(by: { $0.key < $1.key }) where !known.contains(version) {
            versions.append(SchemaVersion(version: version, name: row.name, applied: true, appliedAt: row.at, unknownToThisBuild: true))
        }
        return versions
    }

    static func applied(_ rows: [PostgresRandomAccessRow]) throws -> [Int: (name: String, at: Date)] {
        var applied: [Int: (name: String, at: Date)] = [:]
        for row in rows {
            applied[try row.value("version")] = (try row.value("name"), try row.value("applied_at"))
        }
        return applied
    }
}

/// The database was migrated by a newer hirebind: this build would misread it.
public struct PostgresSchemaTooNew: Error, CustomStringConvertible {
    public var databaseVersion: Int
    public var knownVersion: Int
    public var description: String {
        "the database's schema is at version \(databaseVersion); this hirebind knows versions up to \(knownVersion): run the newer hirebind"
    }
}
