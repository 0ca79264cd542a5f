// Jobs: `hirebind jobs list` and `hirebind jobs retry`.

import ArgumentParser
import Foundation
import HireBind
import HireBindCore
import JobStore
import Logging

struct Jobs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List and retry bind jobs in the configured store (the service may keep running).",
        subcommands: [List.self, Retry.self]
    )

    struct StoreOptions: ParsableArguments {
        @Option(help: "The service's YAML configuration.") var config: String

        func store() async throws -> any HireBindStore {
            let configuration = try HireBindConfiguration.load(path: config)
            return try await StoreLocation.of(configuration.database, environment: ProcessInfo.processInfo.environment)
                .open(mustExist: true, logger: Logger(label: "hirebind"))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List jobs, oldest first.")
        @OptionGroup var options: StoreOptions
        @Option(help: "queued, running, succeeded, failed or dead.") var status: String?
        @Option(help: "At most this many jobs.") var limit = 100
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            var filter: JobStatus?
            if let status {
                guard let parsed = JobStatus(rawValue: status) else {
                    throw ValidationError("--status must be one of \(JobStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                filter = parsed
            }
            let jobs = try await options.store().jobs(status: filter, limit: limit)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                encoder.dateEncodingStrategy = .iso8601
                print(String(decoding: try encoder.encode(jobs), as: UTF8.self))
                return
            }
            for job in jobs {
                let error = job.lastError.map { "  \($0.code): \($0.message)" } ?? ""
                print(
                    "\(job.id)  \(job.kind.rawValue)  \(job.status.rawValue)  attempts \(job.attempts)  \(job.exchangeAccount)  event \(job.eventID)\(error)"
                )
            }
            print("\(jobs.count) job(s)")
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Queue a dead or failed job again, with a fresh attempt budget.")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The job id.") var id: String

        func run() async throws {
            switch try await options.store().requeueJob(id: id, now: Date()) {
            case .requeued: print("job \(id) is queued again")
            case .notFound: throw ValidationError("no job has the id \(id)")
            case .notRetryable(let status): throw ValidationError("job \(id) is \(status); only dead or failed jobs can be retried")
            }
        }
    }
}
