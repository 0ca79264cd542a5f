// SQLiteJobStore+Migrations: the SchemaMigrations contract on SQLite: GRDB's migrator's record.

public import Foundation
import GRDB

extension SQLiteJobStore: SchemaMigrations {
    /// GRDB records which migrations ran, not when.
    public func schemaVersions() async throws -> [SchemaVersion] {
        let applied = try await pool.read { db in try Self.migrator.appliedIdentifiers(db) }
        let known = Self.migrator.migrations
        var versions = known.enumerated().map { index, identifier in
            SchemaVersion(version: index + 1, name: Self.name(of: identifier), applied: applied.contains(identifier))
        }
        for identifier in applied.subtracting(known).sorted() {
            versions.append(SchemaVersion(version: versions.count + 1, name: identifier, applied: true, unknownToThisBuild: true))
        }
        return versions
    }

    /// `v4: callback numbering…` → `callback numbering…`.
    static func name(of identifier: String) -> String {
        guard let colon = identifier.firstIndex(of: ":") else { return identifier }
        return identifier[identifier.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
}
