// PostgresJobStore: the store engine for several replicas: one PostgreSQL database through postgres-nio.

import Foundation
public import Logging
import PostgresNIO
import Secrets
public import ServiceLifecycle

/// The store shared by several replicas: PostgreSQL through a `PostgresClient` pool. Its contracts are implemented
/// one per file (`PostgresJobStore+….swift`); what differs from the SQLite engine is concurrency: writers run at
/// once on several connections and machines, so rows are claimed with `FOR UPDATE SKIP LOCKED`, uniqueness (an
/// address, an event id) is the database's unique indexes, and a person's intakes are serialised by a transaction
/// advisory lock on the person. A replica's concurrent intakes are committed together, in one statement
/// (``PostgresIntakeBatcher``).
///
/// The client must run (``run()``, a `Service` in the service's group) before the store answers; tools and tests
/// use ``start(_:maximumConnections:logger:)``, which runs it for as long as the store lives.
public final class PostgresJobStore: Sendable {
    let client: PostgresClient
    let logger: Logger
    /// The database server's clock, which every due time and lease is on.
    let clock: PostgresClock
    /// Group commit of this replica's intakes.
    let intakes: PostgresIntakeBatcher
    /// The client's run loop when the store runs it itself (``start(_:maximumConnections:logger:)``).
    private let ownRunner: Task<Void, Never>?
    public let location: PostgresLocation

    /// A store whose client runs once ``run()`` is called.
    public convenience init(_ location: PostgresLocation, maximumConnections: Int = 20, logger: Logger) {
        let client = PostgresClient(
            configuration: location.clientConfiguration(maximumConnections: maximumConnections), backgroundLogger: logger.forDatabaseClient)
        self.init(client: client, location: location, runner: nil, logger: logger)
    }

    private init(client: PostgresClient, location: PostgresLocation, runner: Task<Void, Never>?, logger: Logger) {
        let clock = PostgresClock()
        let logger = logger.forDatabaseClient
        self.client = client
        self.location = location
        self.ownRunner = runner
        self.logger = logger
        self.clock = clock
        self.intakes = PostgresIntakeBatcher(logger: logger) { intakes in
            try await Self.send(intakes, client: client, clock: clock, logger: logger)
        }
    }

    /// The connection pool, a `Service`: the service group runs it (first, so that it stops last).
    public var connectionPool: any Service { client }

    /// A store that runs its own client until it is released, with its schema brought up to date (unless
    /// `migrating` is false: `hirebind migrate --status` only looks): for the command line's one-off commands and
    /// the tests.
    public static func start(
        _ location: PostgresLocation, maximumConnections: Int = 4, migrating: Bool = true, logger: Logger
    ) async throws -> PostgresJobStore {
        let client = PostgresClient(
            configuration: location.clientConfiguration(maximumConnections: maximumConnections), backgroundLogger: logger.forDatabaseClient)
        let runner = Task { await client.run() }
        let store = PostgresJobStore(client: client, location: location, runner: runner, logger: logger)
        if migrating { try await store.migrate() }
        return store
    }

    /// Creates an empty database on the server `location` points at (its own database is where the statement runs).
    public static func createDatabase(named name: String, on location: PostgresLocation, logger: Logger) async throws {
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw PostgresLocationError(reason: "a database name of letters, digits and _ only")
        }
        let server = try await start(location, maximumConnections: 1, migrating: false, logger: logger)
        try await server.rows(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
    }

    deinit {
        ownRunner?.cancel()
    }

    /// Closes the connections of a store that runs its own client (``start(_:maximumConnections:migrating:logger:)``).
    public func close() async {
        ownRunner?.cancel()
        await ownRunner?.value
    }

    /// Runs the connection pool until cancelled (or the service group's graceful shutdown ends it).
    public func run() async {
        await client.run()
    }

    /// Applies the schema versions this build knows and the database lacks, one replica at a time.
    public func migrate() async throws {
        try await applyMigrations()
    }


    /// Rows of one statement, outside a transaction (on a connection checked to be open, as in a transaction).
    @discardableResult
    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        try await Self.rows(query, client: client, clock: clock, logger: logger)
    }

    /// Rows of one statement, its times on the database's clock once that is measured.
    @discardableResult
    static func rows(
        _ query: @autoclosure () throws -> PostgresQuery, client: PostgresClient, clock: PostgresClock, logger: Logger
    ) async throws -> [PostgresRandomAccessRow] {
        try await PostgresStoreError.reporting {
            try await client.withConnection { connection in
                if clock.needsMeasuring { try await clock.measure(on: connection, logger: logger) }
                return try await PostgresTransaction(connection: connection, clock: clock, logger: logger).rows(try query())
            }
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws, with the error it
    /// threw (postgres-nio's own `withTransaction` wraps it).
    func transaction<T: Sendable>(_ body: (PostgresTransaction) async throws -> T) async throws -> T {
        try await PostgresStoreError.reporting { try await inTransaction(body) }
    }

    private func inTransaction<T: Sendable>(_ body: (PostgresTransaction) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            if clock.needsMeasuring { try await clock.measure(on: connection, logger: logger) }
            let tx = PostgresTransaction(connection: connection, clock: clock, logger: logger)
            try await tx.rows("BEGIN")
            do {
                let value = try await body(tx)
                try await tx.rows("COMMIT")
                return value
            } catch {
                // Not on a connection that is gone: the server rolled back already, and a statement written to a
                // closed channel is never answered.
                if !connection.isClosed { _ = try? await tx.rows("ROLLBACK") }
                throw error
            }
        }
    }
}

/// A connection inside a transaction, as the store's writes use it.
struct PostgresTransaction {
    let connection: PostgresConnection
    let clock: PostgresClock
    let logger: Logger

    /// Runs one statement, on a connection checked to be open (``PostgresConnection/ensureOpen()``).
    @discardableResult
    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        try connection.ensureOpen()
        return try await connection.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
    }
}

extension PostgresConnection {
    /// Throws at once on a connection that has closed (the server died, the network failed): postgres-nio never
    /// answers a statement written to a closed channel, so every statement the store sends asks this first.
    func ensureOpen() throws(PostgresConnectionLost) {
        guard !isClosed else { throw PostgresConnectionLost() }
    }
}

/// The connection of a transaction closed under it (the server stopped or the network failed): the transaction
/// did not commit.
struct PostgresConnectionLost: Error, CustomStringConvertible {
    var description: String { "the connection to PostgreSQL was lost; the transaction did not commit" }
}
