// StoreEngine: the store engines the contract suite runs against, each a fresh, empty store per test.

import Foundation
public import JobStore

/// A store engine under test: its name (for test output) and how to open a new, empty store.
public struct StoreEngine: Sendable, CustomStringConvertible {
    public var name: String
    public var open: @Sendable () async throws -> any HireBindStore

    public var description: String { name }

    /// SQLite in a new temporary folder.
    public static let sqlite = StoreEngine(name: "SQLite") {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hirebind-store-\(UUID().uuidString)")
        return try SQLiteJobStore(path: folder.appendingPathComponent("jobs.sqlite").path)
    }

    /// PostgreSQL: a new database on the test process's real server (``PostgresFixture``).
    public static let postgres = StoreEngine(name: "PostgreSQL") { try await PostgresFixture.freshStore() }

    /// Every engine the contract suite runs against.
    public static let all: [StoreEngine] = [.sqlite, .postgres]
}
