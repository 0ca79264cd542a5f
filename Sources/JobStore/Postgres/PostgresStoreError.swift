// PostgresStoreError: what went wrong with PostgreSQL, in words an operator can act on, and nothing more.

import PostgresNIO

/// A PostgreSQL failure as the store reports it. postgres-nio's `PSQLError` prints a fixed "generic description"
/// (its full text may carry the statement); this names the kind, the server's message and SQLSTATE, or the
/// connection's trouble, never a bound value. The SQLSTATE and the constraint stay readable for the store's own
/// decisions (an event taken by another replica at the same moment).
public struct PostgresStoreError: Error, CustomStringConvertible {
    public let sqlState: String?
    public let constraint: String?
    public let description: String

    init(_ error: PSQLError) {
        sqlState = error.serverInfo?[.sqlState]
        constraint = error.serverInfo?[.constraintName]
        if let message = error.serverInfo?[.message] {
            description = "PostgreSQL refused a statement: \(message) (SQLSTATE \(sqlState ?? "?"))"
        } else if let underlying = error.underlying {
            description = "PostgreSQL: \(error.code) (\(underlying))"
        } else {
            description = "PostgreSQL: \(error.code)"
        }
    }

    /// A unique index refused a row (SQLSTATE 23505), of this constraint when one is named.
    func isUniqueViolation(constraint name: String? = nil) -> Bool {
        sqlState == "23505" && (name == nil || constraint == name)
    }

    /// Runs `body`, reporting postgres-nio's errors as this type.
    static func reporting<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PSQLError {
            throw PostgresStoreError(error)
        }
    }
}
