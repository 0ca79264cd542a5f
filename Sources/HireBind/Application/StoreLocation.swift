// StoreLocation: which store engine the configuration selects, and opening it for the service or for a command.

import Foundation
public import JobStore
public import Logging
import Secrets
public import ServiceLifecycle

/// Where the durable store is: the embedded SQLite file (`database.path`, the default) or a PostgreSQL database
/// several replicas share (`HIREBIND_DATABASE_URL`, else `database.url`).
public enum StoreLocation: Sendable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    /// The engine the configuration and the environment select. The password is `database.password`, else
    /// `HIREBIND_DATABASE_PASSWORD`, else the URL's own.
    public static func of(_ database: DatabaseSettings, environment: [String: String]) throws(ConfigurationError) -> StoreLocation {
        let key = environment["HIREBIND_DATABASE_URL"] != nil ? "HIREBIND_DATABASE_URL" : "database.url"
        guard let url = environment["HIREBIND_DATABASE_URL"] ?? database.url else { return .sqlite(path: database.path) }
        var password: Secret?
        if let reference = database.password {
            password = try reference.resolve(environment: environment)
        } else if let value = environment["HIREBIND_DATABASE_PASSWORD"] {
            password = Secret(value)
        }
        do {
            return .postgres(try PostgresLocation(url: url, password: password))
        } catch let error as PostgresLocationError {
            throw ConfigurationError(key: key, error.reason)
        } catch {
            throw ConfigurationError(key: key, "\(error)")
        }
    }

    /// The file's path or the URL without its password: what a log line or a message may show.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let location): location.description
        }
    }

    /// For `serve`: the schema brought up to date (PostgreSQL: one replica at a time), then the store and the
    /// services that keep it working: PostgreSQL's connection pool, to run first in the service group so that it
    /// stops after everything that uses it.
    public func openForService(maxConnections: Int, logger: Logger) async throws -> (store: any HireBindStore, services: [any Service]) {
        switch self {
        case .sqlite(let path):
            return (try SQLiteJobStore(path: path), [])
        case .postgres(let location):
            let storeLogger = logger
            // A short-lived pool of its own migrates, so that no service starts before the schema is there.
            try await PostgresJobStore.start(location, maximumConnections: 1, logger: storeLogger).close()
            let store = PostgresJobStore(location, maximumConnections: maxConnections, logger: storeLogger)
            return (store, [store.connectionPool])
        }
    }

    /// For a one-off command: the store, with connections of its own for as long as it lives. `mustExist`: a
    /// SQLite file that is not there is an error that says so, instead of a new empty store.
    public func open(mustExist: Bool = false, logger: Logger) async throws -> any HireBindStore {
        switch self {
        case .sqlite(let path):
            guard !mustExist || FileManager.default.fileExists(atPath: path) else { throw StoreMissing(location: self) }
            return try SQLiteJobStore(path: path)
        case .postgres(let location):
            // A store that must exist is only read: its schema is the service's to migrate.
            return try await PostgresJobStore.start(location, migrating: !mustExist, logger: logger)
        }
    }

    /// For an offline command (`preview`, `map`): the store when there is one, never a new one.
    public func openIfPresent(logger: Logger) async throws -> (any HireBindStore)? {
        do {
            return try await open(mustExist: true, logger: logger)
        } catch is StoreMissing {
            return nil
        }
    }
}

/// A command that reads the store found none where the configuration points.
public struct StoreMissing: Error, CustomStringConvertible {
    public var location: StoreLocation
    public var description: String { "no store at \(location): has the service run with this configuration?" }
}
