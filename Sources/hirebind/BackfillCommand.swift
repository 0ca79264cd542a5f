// BackfillCommand: `hirebind backfill`: existing staff from the Feishu directory, or a CSV from HR, each bound once.

import ArgumentParser
import FeishuAPI
import Foundation
import HireBind
import HireBindCore
import JobStore
import Logging

struct BackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Queue a bind for everyone who has none: the Feishu directory's people (--from feishu) or a CSV from HR (--csv FILE).",
        discussion: """
            Each person is queued once: a run stopped by Ctrl-C or a crash is resumed by running it again. The service \
            (running or started later) carries the jobs out within Feishu's rate limits. --dry-run prints the plan \
            (person → address) and writes nothing. --follow then stays until every queued person is bound or has \
            failed, with the bind rate and the time left.
            """
    )

    @Option(name: .long, help: "The YAML configuration file.") var config: String
    @Option(name: .long, help: "Where the people come from: feishu (the directory of a feishu-events source).") var from: String?
    @Option(name: .long, help: "A CSV file (header: employee_id, family, given or full_name, email, feishu_user_id, mobile, …).") var csv: String?
    @Option(name: .long, help: "The source the jobs belong to (default: the only feishu-events source; required with --csv).") var source: String?
    @Option(name: .long, help: "Only this open department id and those below it (with --from feishu).") var department = "0"
    @Flag(name: .long, help: "Print the plan and write nothing.") var dryRun = false
    @Flag(name: .long, help: "After queueing, follow the binds to the end: bound, failed, rate and time left.") var follow = false

    func validate() throws {
        guard (from == nil) != (csv == nil) else { throw ValidationError("give either --from feishu or --csv FILE") }
        if let from, from != "feishu" { throw ValidationError("--from takes feishu") }
        if csv != nil, source == nil { throw ValidationError("--csv needs --source NAME: the source whose employees the rows are") }
        if dryRun, follow { throw ValidationError("--follow waits for binds, and a --dry-run queues none") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: .warning) }
        let logger = Logger(label: "hirebind-backfill")
        let configuration = try HireBindConfiguration.load(path: config)
        let secrets = try ServiceSecrets.resolve(configuration, environment: ProcessInfo.processInfo.environment)
        let namer = try NamingRules.namer(configuration.naming)
        let store = try await StoreLocation.of(configuration.database, environment: ProcessInfo.processInfo.environment).open(logger: Logger(label: "hirebind"))
        let assigner = MailboxAssigner(namer: namer, defaultAdminAccount: configuration.feishu.adminAccount)
        let intake = JobIntake(
            store: store, assigner: assigner, userIDType: configuration.feishu.userIDType, defaultCallbackURL: configuration.callbacks.defaultURL,
            doorbell: Doorbell()
        )
        let bar = ProgressBar()
        let summary: Backfill.Summary
        if let csv {
            let name = source ?? ""
            guard let settings = configuration.sources[name] else { throw ValidationError("no source named \(name) is configured") }
            let entries = try CSVBackfill.entries(path: csv)
            let destination: JobIntake.ResultDestination = settings.scheme == .feishuEvents ? .only(settings.callbackURL) : .eventOrDefault
            let backfill = Backfill(source: name, intake: intake, ledger: store, assigner: assigner, resultsTo: destination)
            summary = try await backfill.run(entries, dryRun: dryRun) { bar.show($0) }
        } else {
            let feishuSources = configuration.sources.filter { $0.value.scheme == .feishuEvents }.map(\.key).sorted()
            guard let name = source ?? (feishuSources.count == 1 ? feishuSources.first : nil), configuration.sources[name] != nil else {
                throw ValidationError("name the feishu-events source with --source (configured: \(feishuSources.joined(separator: ", ")))")
            }
            summary = try await withHTTPClient { httpClient in
                let reconciler = try DirectoryReconciler.standalone(
                    source: name, configuration: configuration, secrets: secrets, store: store, httpClient: httpClient, logger: logger)
                FileHandle.standardError.write(Data("reading the Feishu directory below department \(department) …\n".utf8))
                let people = try await reconciler.people(in: department)
                return try await reconciler.bindMissing(people, dryRun: dryRun) { bar.show($0) }
            }
        }
        print(Self.report(summary, dryRun: dryRun))
        if follow, !summary.jobsToFollow.isEmpty {
            let started = ContinuousClock.now
            let follower = BackfillFollower(store: store, quotaPerMinute: Self.bindQuotaPerMinute)
            let end = try await follower.follow(summary.jobsToFollow) { bar.show($0) }
            let took = ProgressBar.clockTime((ContinuousClock.now - started) / .seconds(1))
            print("\(end.succeeded) bound, \(end.failed) failed (`hirebind jobs list --status failed` says why), in \(took)")
        }
    }

    /// The binds a minute the service's rate limiter allows (Feishu's 1000/min, less its margin for the clocks).
    static var bindQuotaPerMinute: Double {
        SlidingWindowRateLimiter.feishuExchangeBindings.map { Double($0.limit) * 60 / ($0.window / .seconds(1)) }.min() ?? 1000
    }

    static func report(_ summary: Backfill.Summary, dryRun: Bool) -> String {
        var lines: [String] = []
        for planned in summary.queued { lines.append("\(planned.name) (\(planned.key)) → \(planned.address)") }
        for skipped in summary.skipped { lines.append("skipped \(skipped.key): \(skipped.reason)") }
        let verb = dryRun ? "would be queued" : "queued"
        lines.append(
            "\(summary.queued.count) \(verb), \(summary.alreadyBound) already bound, \(summary.skipped.count) skipped"
                + (dryRun ? " (dry run: nothing written)" : ""))
        return lines.joined(separator: "\n")
    }
}

/// The rows of an HR list as backfill entries, each row's `employee_id` its key.
enum CSVBackfill {
    static func entries(path: String) throws -> [Backfill.Entry] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        let table = try CSVTable(text: String(decoding: data, as: UTF8.self))
        return table.rows.enumerated().map { index, row in
            guard let id = row["employee_id"], !id.isEmpty else { return .skip(key: "row \(index + 2)", reason: "employee_id is empty") }
            let employee = Employee(
                employeeID: id, givenName: row["given"] ?? "", familyName: row["family"] ?? "",
                feishuUserID: row["feishu_user_id"].flatMap { $0.isEmpty ? nil : $0 },
                mobile: row["mobile"], middleName: row["middle"], preferredGivenName: row["preferred_given"], fullName: row["full_name"],
                romanizedGivenName: row["romanized_given"], romanizedFamilyName: row["romanized_family"], email: row["email"],
                department: row["department"], company: row["company"], location: row["location"], employmentType: row["employment_type"]
            )
            let event = NewHireEvent(
                eventID: "backfill-\(id)", occurredAt: Date().formatted(.iso8601), employee: employee)
            do {
                try event.validate()
            } catch let error as EventValidationError {
                return .skip(key: id, reason: "\(error.field): \(error.problem)")
            } catch {
                return .skip(key: id, reason: "\(error)")
            }
            let name = [row["family"], row["given"]].compactMap { $0 }.joined(separator: " ")
            return .hire(key: id, name: name.isEmpty ? (row["full_name"] ?? id) : name, event: event)
        }
    }
}
