// Migrate: `hirebind migrate`: the store's schema versions, applied or shown.

import ArgumentParser
import Foundation
import HireBind
import JobStore
import Logging

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bring the configured store's schema up to date, or show its versions.",
        discussion: """
            `serve` migrates at start too (on PostgreSQL one replica at a time, under an advisory lock); run this \
            as a deployment step to see the schema change before the replicas start.
            """
    )

    @Option(help: "The service's YAML configuration.") var config: String
    @Flag(help: "Only show each schema version and whether it is applied; change nothing.") var status = false

    func run() async throws {
        let configuration = try HireBindConfiguration.load(path: config)
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
}
