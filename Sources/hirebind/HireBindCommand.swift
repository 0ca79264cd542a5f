// HireBindCommand: the `hirebind` command line: `serve`, `check-config` and the subcommands of the other files.

public import ArgumentParser
import DryRun
import Foundation
public import FoundationEssentials
public import HireBind
import HireBindCore
import Logging
import NIOCore

@main
struct HireBindCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hirebind",
        abstract: "Turns a new hire in the HR system into an Exchange calendar binding in Feishu.",
        subcommands: [Serve.self, CheckConfig.self, Feishu.self, Preview.self, MapCommand.self, BackfillCommand.self, Jobs.self, Migrate.self, Sandbox.self, Demo.self]
    )
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the service: webhook intake, bind workers and callback delivery.")

    @Option(name: .long, help: "The YAML configuration file.")
    var config: String

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func run() async throws {
        let level = logLevel
        LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: level) }
        let logger = Logger(label: "hirebind")
        let environment = ProcessInfo.processInfo.environment
        let loaded = try HireBindConfiguration.load(path: config)
        // A dry run (`sandbox.enabled`) starts the Feishu sandbox beside the service and points it there.
        let dryRun = SandboxDryRun.prepare(loaded, secrets: try ServiceSecrets.resolve(loaded, environment: environment), logger: logger)
        do {
            try await HireBindApplication.run(
                configuration: dryRun.configuration, environment: environment, alongside: dryRun.services, logger: logger
            )
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            let ports =
                [("server.port", loaded.server.port), ("admin.port", loaded.admin.port)]
                + (loaded.sandbox.enabled ? [("sandbox.port", loaded.sandbox.port)] : [])
            throw PortInUse(ports: ports.map { "\($0.0) \($0.1)" })
        }
    }

    /// A listener could not bind: another process (often an earlier hirebind) holds one of the ports.
    struct PortInUse: Error, CustomStringConvertible {
        let ports: [String]
        var description: String {
            "cannot listen: a port is held by another process (one of \(ports.joined(separator: ", "))); stop it or choose another port"
        }
    }
}

struct CheckConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a configuration file and the secrets it references, without starting anything."
    )

    @Option(name: .long, help: "The YAML configuration file.")
    var config: String

    func run() async throws {
        let configuration = try HireBindConfiguration.load(path: config)
        _ = try ServiceSecrets.resolve(configuration, environment: ProcessInfo.processInfo.environment)
        _ = try NamingRules.namer(configuration.naming)
        let store = try StoreLocation.of(configuration.database, environment: ProcessInfo.processInfo.environment)
        print("\(config): OK (\(configuration.sources.count) source(s), store \(store))")
        for line in configuration.advice() { print("advice: \(line)") }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
extension ConfigurationError: LocalizedError {
    public var errorDescription: String? { description }
}
