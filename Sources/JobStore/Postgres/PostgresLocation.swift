// PostgresLocation: a `postgres://` URL read into what the client connects with; its text never shows the password.

import Foundation
import NIOSSL
import PostgresNIO
public import Secrets

/// Where the PostgreSQL store is: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]`
/// (`postgresql://` too). The password may instead come from `HIREBIND_DATABASE_PASSWORD`, so the URL in the
/// configuration file holds none. TLS is `prefer` unless the URL says otherwise, as with libpq.
public struct PostgresLocation: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String
    public var password: Secret?
    public var database: String
    public var tls: TLSMode

    public enum TLSMode: String, Sendable {
        case disable, prefer, require
    }

    public init(host: String, port: Int = 5432, username: String, password: Secret?, database: String, tls: TLSMode = .prefer) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// Reads a URL; the error names what is wrong and never repeats the password.
    public init(url text: String, password override: Secret? = nil) throws {
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://"), let components = URLComponents(string: text) else {
            throw PostgresLocationError(reason: "expected postgres://USER@HOST[:PORT]/DATABASE")
        }
        guard let host = components.host, !host.isEmpty else { throw PostgresLocationError(reason: "the URL names no host") }
        guard let user = components.user, !user.isEmpty else { throw PostgresLocationError(reason: "the URL names no user") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw PostgresLocationError(reason: "the URL names no database (…/DATABASE)") }
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let mode = TLSMode(rawValue: value) else {
                    throw PostgresLocationError(reason: "sslmode must be disable, prefer or require")
                }
                tls = mode
            default:
                throw PostgresLocationError(reason: "unknown URL parameter \(item.name) (only sslmode is read)")
            }
        }
        self.init(
            host: host, port: components.port ?? 5432, username: user.removingPercentEncoding ?? user,
            password: override ?? components.password.map { Secret($0.removingPercentEncoding ?? $0) },
            database: database.removingPercentEncoding ?? database, tls: tls)
    }

    /// The URL without the password: what logs and errors may show.
    public var description: String { "postgres://\(username)@\(host):\(port)/\(database)?sslmode=\(tls.rawValue)" }

    func clientConfiguration(maximumConnections: Int) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS =
            switch self.tls {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password?.value, database: database, tls: tls)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectionIdleTimeout = .seconds(30)
        configuration.options.additionalStartupParameters = [("application_name", "hirebind")]
        return configuration
    }
}

/// A database URL that cannot be used.
public struct PostgresLocationError: Error, CustomStringConvertible {
    public var reason: String
    public var description: String { "database.url: \(reason)" }
}
