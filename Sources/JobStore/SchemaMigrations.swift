// SchemaMigrations: the store's contract for telling which schema versions are applied (`hirebind migrate --status`).

public import Foundation

/// Each engine brings its schema up to date when it opens (PostgreSQL: one replica at a time, under an advisory
/// lock); this tells what is applied.
public protocol SchemaMigrations: Sendable {
    /// Every schema version this build knows, applied or not, then any the database has that this build does not.
    func schemaVersions() async throws -> [SchemaVersion]
}

/// A schema version, whether it is applied, and when when the engine records it.
public struct SchemaVersion: Sendable, Hashable {
    public var version: Int
    public var name: String
    public var applied: Bool
    /// When it was applied (PostgreSQL records it; SQLite does not).
    public var appliedAt: Date?
    /// The database has it but this build does not know it: a newer hirebind migrated it.
    public var unknownToThisBuild: Bool

    public init(version: Int, name: String, applied: Bool, appliedAt: Date? = nil, unknownToThisBuild: Bool = false) {
        self.version = version
        self.name = name
        self.applied = applied
        self.appliedAt = appliedAt
        self.unknownToThisBuild = unknownToThisBuild
    }
}
