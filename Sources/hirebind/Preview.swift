// Preview: `hirebind preview`: the address the naming rules give one person or a CSV of people.

import ArgumentParser
import AsyncHTTPClient
import Foundation
import HireBind
import HireBindCore
import JobStore
import Logging
import MailboxNaming

struct Preview: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the mailbox address the naming rules give a person, and why, without writing anything.",
        discussion: """
            With --config, the rules, the never-reuse list and the store of that configuration are used: addresses \
            already handed out count as taken. Without it, the default rule ({given}.{family}@example.com) on an empty store.
            --csv previews a list: a header row naming any of family, given, middle, preferred_given, full_name, \
            romanized_family, romanized_given, email, company, department, location, employment_type; earlier rows \
            take their addresses before later ones, as a backfill would.
            --check-directory asks the configuration's mailbox_directory (Graph or LDAP) about each address, for the \
            person --employee-id names (a CSV's employee_id column): whether it is theirs, someone else's, not there \
            yet, or which address would be adopted. Nothing is written and nothing is bound.
            """
    )

    @Option(help: "Family name.") var family: String?
    @Option(help: "Given name.") var given: String?
    @Option(help: "Middle name.") var middle: String?
    @Option(help: "Preferred given name.") var preferredGiven: String?
    @Option(help: "The whole name in one field (张伟, 欧阳娜娜).") var fullName: String?
    @Option(help: "Romanised family name from HR.") var romanizedFamily: String?
    @Option(help: "Romanised given name from HR.") var romanizedGiven: String?
    @Option(help: "Work email HR already assigned.") var email: String?
    @Option(help: "Company, for choosing the rule set.") var company: String?
    @Option(help: "Department, for choosing the rule set.") var department: String?
    @Option(help: "Location, for choosing the rule set.") var location: String?
    @Option(help: "Employment type, for choosing the rule set.") var employmentType: String?
    @Option(help: "A CSV file of people to preview in order.") var csv: String?
    @Option(help: "The service's YAML configuration.") var config: String?
    @Flag(help: "Print JSON instead of text.") var json = false
    @Flag(help: "With --csv --json: print {\"people\": [...], \"summary\": {...}} instead of the list alone.") var summaryJSON = false
    @Flag(help: "Ask the mailbox directory (mailbox_directory: in --config) whose mailbox each address is.") var checkDirectory = false
    @Option(help: "The person's employee id, as the directory's identity attribute holds it (with --check-directory).") var employeeId: String?

    func validate() throws {
        if csv == nil, family == nil, given == nil, fullName == nil {
            throw ValidationError("name a person (--family and --given, or --full-name) or a list (--csv FILE)")
        }
        if checkDirectory, config == nil { throw ValidationError("--check-directory needs --config with a mailbox_directory section") }
        if checkDirectory, csv == nil, employeeId == nil, email == nil {
            throw ValidationError(
                "--check-directory needs --employee-id (or --email, with identity_from: email): the directory finds the person by it")
        }
    }

    /// The directory check of `--check-directory`, or nil.
    func makeGate(httpClient: HTTPClient) throws -> MailboxGate? {
        guard checkDirectory, let config else { return nil }
        let configuration = try HireBindConfiguration.load(path: config)
        guard configuration.mailboxDirectory.backend != nil else {
            throw ValidationError("\(config) has no mailbox_directory section: hirebind is the naming authority there")
        }
        let secret = try ServiceSecrets.mailboxDirectorySecret(configuration.mailboxDirectory, environment: ProcessInfo.processInfo.environment)
        return MailboxDirectories.gate(
            configuration.mailboxDirectory, secret: secret, httpClient: httpClient, logger: Logger(label: "hirebind.preview"))
    }

    /// Adds what the directory answered for the preview's address.
    static func checked(_ result: NamingPreview, employeeID: String?, email: String?, gate: MailboxGate?) async -> NamingPreview {
        guard let gate, let address = result.exchangeAccount else { return result }
        var result = result
        result.directory = await gate.check(employeeID: employeeID ?? "", email: email, address: address, ruleSet: result.ruleSet).trace
        return result
    }

    func run() async throws {
        try await withHTTPClient { httpClient in try await run(gate: try makeGate(httpClient: httpClient)) }
    }

    func run(gate: MailboxGate?) async throws {
        let previewer = try await makePreviewer()
        var handedOut: Set<String> = []
        if let csv {
            guard let data = FileManager.default.contents(atPath: csv) else { throw ValidationError("cannot read \(csv)") }
            let table = try CSVTable(text: String(decoding: data, as: UTF8.self))
            var results: [NamingPreview] = []
            var summary = PreviewSummary()
            for row in table.rows {
                let name = PersonName(
                    given: row["given"] ?? "", family: row["family"] ?? "", middle: row["middle"], preferredGiven: row["preferred_given"],
                    fullName: row["full_name"], romanizedGiven: row["romanized_given"], romanizedFamily: row["romanized_family"],
                    requestedAddress: row["email"]
                )
                let attributes = EmployeeAttributes(
                    company: row["company"], department: row["department"], location: row["location"], employmentType: row["employment_type"])
                let result = await Self.checked(
                    try await previewer.preview(name, attributes: attributes, alsoTaken: &handedOut), employeeID: row["employee_id"],
                    email: row["email"], gate: gate)
                results.append(result)
                let shown = [row["family"], row["given"], row["full_name"]].compactMap { $0 }.joined(separator: " ")
                summary.add(result, shown: shown)
                if !json {
                    let directory = result.directory.map { "\t" + Self.directorySummary($0) } ?? ""
                    print(
                        "\(shown)\t\(result.exchangeAccount ?? "—")\t\(result.error ?? "\(result.familyRomanized ?? "") \(result.givenRomanized ?? "")")\(directory)"
                    )
                }
            }
            if json {
                print(summaryJSON ? try Self.encode(PreviewList(people: results, summary: summary)) : try Self.encode(results))
            }
            let failed = results.filter { $0.exchangeAccount == nil || Self.refused($0.directory) }.count
            if !json {
                print(summary.text)
                if gate != nil { print("\(results.count - failed) of \(results.count) people get an address the directory agrees with") }
            }
            return
        }
        let name = PersonName(
            given: given ?? "", family: family ?? "", middle: middle, preferredGiven: preferredGiven, fullName: fullName,
            romanizedGiven: romanizedGiven, romanizedFamily: romanizedFamily, requestedAddress: email
        )
        let attributes = EmployeeAttributes(company: company, department: department, location: location, employmentType: employmentType)
        let result = await Self.checked(
            try await previewer.preview(name, attributes: attributes, alsoTaken: &handedOut), employeeID: employeeId, email: email, gate: gate)
        if json {
            print(try Self.encode(result))
        } else {
            print(Self.describe(result))
        }
        if result.exchangeAccount == nil || Self.refused(result.directory) { throw ExitCode(1) }
    }

    /// A CSV preview with its summary, for `--json --summary-json`.
    struct PreviewList: Encodable {
        var people: [NamingPreview]
        var summary: PreviewSummary
    }

    /// Whether the directory's verdict keeps the address from being bound as it stands.
    static func refused(_ directory: JSONValue?) -> Bool {
        guard case .object(let fields)? = directory else { return false }
        if case .string(let verdict)? = fields["verdict"] { return verdict != "confirmed" && verdict != "adopted" }
        return true
    }

    /// One line: the verdict, the address to bind, the reason.
    static func directorySummary(_ directory: JSONValue) -> String {
        guard case .object(let fields) = directory else { return "" }
        func text(_ key: String) -> String? { if case .string(let value)? = fields[key] { value } else { nil } }
        if let error = text("error") { return "directory: \(error)" }
        var parts = ["directory: \(text("verdict") ?? "?")"]
        if let address = text("address") { parts.append(address) }
        if let reason = text("reason") { parts.append(reason) }
        return parts.joined(separator: " — ")
    }

    func makePreviewer() async throws -> NamingPreviewer {
        guard let config else {
            return NamingPreviewer(namer: try MailboxNamer(domain: "example.com"), store: nil, defaultAdminAccount: nil)
        }
        let configuration = try HireBindConfiguration.load(path: config)
        let namer = try NamingRules.namer(configuration.naming)
        // Offline: an existing store is read; a missing one is not created.
        let store = try await StoreLocation.of(configuration.database, environment: ProcessInfo.processInfo.environment).openIfPresent(logger: Logger(label: "hirebind"))
        return NamingPreviewer(namer: namer, store: store, defaultAdminAccount: configuration.feishu.adminAccount)
    }

    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func describe(_ result: NamingPreview) -> String {
        var lines: [String] = []
        if let address = result.exchangeAccount {
            lines.append("address      \(address)")
        } else {
            lines.append("no address   \(result.error ?? "")")
        }
        if let trace = result.trace {
            lines.append("rule set     \(trace.ruleSet)\(result.adminAccount.map { " (admin account \($0))" } ?? "")")
            lines.append("romanised    family '\(trace.familyRomanized)', given '\(trace.givenRomanized)'")
            for note in trace.notes { lines.append("note         \(note)") }
            lines.append("candidates")
            for (index, step) in trace.steps.enumerated() {
                lines.append("  \(index + 1). \(step.candidate ?? "—")  [\(step.origin)]  \(step.outcome)")
            }
        }
        if let directory = result.directory {
            lines.append(directorySummary(directory).replacingOccurrences(of: "directory: ", with: "directory    "))
            if case .object(let fields) = directory {
                for key in ["accounts", "address_holders"] {
                    guard case .array(let records)? = fields[key] else { continue }
                    for record in records {
                        guard case .object(let record) = record else { continue }
                        func text(_ key: String) -> String { if case .string(let value)? = record[key] { value } else { "—" } }
                        let enabled = if case .bool(false)? = record["enabled"] { " (disabled)" } else { "" }
                        lines.append(
                            "  \(key == "accounts" ? "person's account" : "holds address ")  \(text("primary_address"))  identity \(text("identity"))\(enabled)  \(text("id"))"
                        )
                    }
                }
            }
        }
        return lines.joined(separator: "\n")
    }
}
