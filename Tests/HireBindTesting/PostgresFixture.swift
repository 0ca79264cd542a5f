// PostgresFixture: a real PostgreSQL server on loopback for the test process, and a fresh database per store.

public import Foundation
public import JobStore
import Logging

/// One server per test process (scripts/postgres/pg-fixture, started on first use and stopped when the process
/// exits), or the one `HIREBIND_TEST_DATABASE_URL` names; each ``freshDatabase()`` is a new, empty database on it,
/// so that tests running at once never see each other's rows.
public enum PostgresFixture {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/postgres/pg-fixture").path

    /// The server's maintenance database (`postgres`), where new databases are created.
    static let server = Task<PostgresLocation, any Error> {
        if let url = ProcessInfo.processInfo.environment["HIREBIND_TEST_DATABASE_URL"] { return try PostgresLocation(url: url) }
        var lastError = ""
        for _ in 0..<5 {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hirebind-pg-\(UUID().uuidString)").path
            let port = Int.random(in: 40_000...49_999)
            let (status, output) = await ChildProcess.run(
                script, ["start", directory, "\(port)", "--watch", "\(ProcessInfo.processInfo.processIdentifier)"])
            if status == 0, let line = output.split(separator: "\n").first(where: { $0.hasPrefix("DATABASE_URL=") }) {
                return try PostgresLocation(url: String(line.dropFirst("DATABASE_URL=".count)))
            }
            lastError = output
            _ = await ChildProcess.run(script, ["stop", directory])
        }
        throw PostgresFixtureError(message: "PostgreSQL did not start (scripts/bootstrap installs it): \(lastError)")
    }

    /// A server of its own (not the one shared by the process's tests), for a test that kills and restarts it;
    /// stopped when the process exits.
    public struct PrivateServer: Sendable {
        public let location: PostgresLocation
        let directory: String

        /// SIGKILLs every server process at once, as a power cut would.
        public func kill() async throws {
            let (status, output) = await ChildProcess.run(PostgresFixture.script, ["kill", directory])
            guard status == 0 else { throw PostgresFixtureError(message: "pg-fixture kill: \(output)") }
        }

        /// Starts the server again; it recovers from its write-ahead log.
        public func restart() async throws {
            let (status, output) = await ChildProcess.run(PostgresFixture.script, ["restart", directory])
            guard status == 0 else { throw PostgresFixtureError(message: "pg-fixture restart: \(output)") }
        }
    }

    public static func privateServer() async throws -> PrivateServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hirebind-pg-\(UUID().uuidString)").path
        let port = Int.random(in: 40_000...49_999)
        let (status, output) = await ChildProcess.run(
            script, ["start", directory, "\(port)", "--watch", "\(ProcessInfo.processInfo.processIdentifier)"])
        guard status == 0, let line = output.split(separator: "\n").first(where: { $0.hasPrefix("DATABASE_URL=") }) else {
            throw PostgresFixtureError(message: "PostgreSQL did not start: \(output)")
        }
        return PrivateServer(location: try PostgresLocation(url: String(line.dropFirst("DATABASE_URL=".count))), directory: directory)
    }

    /// A new, empty database on the test server.
    public static func freshDatabase() async throws -> PostgresLocation {
        let server = try await server.value
        let name = "hb_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await PostgresJobStore.createDatabase(named: name, on: server, logger: Logger(label: "pg-fixture"))
        var location = server
        location.database = name
        return location
    }

    /// A new store on a new database, its schema applied.
    public static func freshStore() async throws -> PostgresJobStore {
        try await PostgresJobStore.start(try await freshDatabase(), logger: Logger(label: "pg-fixture"))
    }
}

public struct PostgresFixtureError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
