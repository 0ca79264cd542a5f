// Migrate: `hirebind migrate`: the store's schema versions, applied or shown.

import ArgumentParser
import Foundation
import HireBind
import JobStore
import Logging
import Secrets

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bring the configured store's schema up to date, show its versions, or move a SQLite store into PostgreSQL.",
        discussion: """
            `serve` migrates at start too (on PostgreSQL one replica at a time, under an advisory lock); run this \
            as a deployment step to see the schema change before the replicas start.
            """
    )

    @Option(help: "The service's YAML configuration.") var config: String?
    @Flag(help: "Only show each schema version and whether it is applied; change nothing.") var status = false
    @Option(help: "Move a SQLite store (sqlite:PATH) ...") var from: String?
    @Option(help: "... into an empty PostgreSQL database (postgres://USER@HOST/DB; the password from HIREBIND_DATABASE_PASSWORD).")
    var to: String?

    func validate() throws {
        if from != nil || to != nil {
            guard let from, from.hasPrefix("sqlite:"), from.count > "sqlite:".count else { throw ValidationError("--from takes sqlite:PATH") }
            guard to != nil else { throw ValidationError("--from needs --to postgres://…") }
            guard !status else { throw ValidationError("--status shows one store; it does not go with --from and --to") }
        } else if config == nil {
            throw ValidationError("--config is needed (or --from sqlite:PATH --to postgres://… to move a store)")
        }
    }

    func run() async throws {
        if let from, let to { return try await move(from: String(from.dropFirst("sqlite:".count)), to: to) }
        let configuration = try HireBindConfiguration.load(path: config!)
        let location = try StoreLocation.of(configuration.database, environment: ProcessInfo.processInfo.environment)
        let store = try await location.open(mustExist: status, logger: Logger(label: "hirebind"))
        let versions = try await store.schemaVersions()
        print("store: \(location)")
        for version in versions {
            let state =
                if version.unknownToThisBuild { "applied by a newer hirebind" } else if let at = version.appliedAt {
                    "applied \(at.formatted(.iso8601))"
                } else if version.applied { "applied" } else { "pending" }
            let number = String(version.version)
            print(String(repeating: " ", count: max(0, 3 - number.count)) + number + "  " + version.name + " — " + state)
        }
        let pending = versions.filter { !$0.applied }.count
        print(pending == 0 ? "\(versions.count) version(s), all applied" : "\(versions.count) version(s), \(pending) pending")
    }

    /// Copies a SQLite store into an empty PostgreSQL database, with a bar per table, and checks the counts.
    func move(from path: String, to url: String) async throws {
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("no SQLite store at \(path)") }
        let environment = ProcessInfo.processInfo.environment
        let location = try PostgresLocation(url: url, password: environment["HIREBIND_DATABASE_PASSWORD"].map(Secret.init))
        let logger = Logger(label: "hirebind")
        let source = try SQLiteJobStore(path: path)
        let target = try await PostgresJobStore.start(location, logger: logger)
        print("moving sqlite:\(path) to \(location)")
        let bar = ProgressBar(output: .standardOutput, indent: "  ")
        let counts = try await SQLiteToPostgres(from: source, to: target).run { bar.show($0) }
        for count in counts { print("  \(count.table): \(count.source) row(s) in both") }
        print("moved; point database.url (or HIREBIND_DATABASE_URL) at \(location) and start the replicas")
        await target.close()
    }
}
