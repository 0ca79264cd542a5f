// Preview: `hirebind preview`: the address the naming rules give one person or a CSV of people.

import ArgumentParser
import Foundation
import HireBind
import HireBindCore
import JobStore
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

    func validate() throws {
        if csv == nil, family == nil, given == nil, fullName == nil {
            throw ValidationError("name a person (--family and --given, or --full-name) or a list (--csv FILE)")
        }
    }

    func run() async throws {
        let previewer = try makePreviewer()
        var handedOut: Set<String> = []
        if let csv {
            guard let data = FileManager.default.contents(atPath: csv) else { throw ValidationError("cannot read \(csv)") }
            let table = try CSVTable(text: String(decoding: data, as: UTF8.self))
            var results: [NamingPreview] = []
            for row in table.rows {
                let name = PersonName(
                    given: row["given"] ?? "", family: row["family"] ?? "", middle: row["middle"], preferredGiven: row["preferred_given"],
                    fullName: row["full_name"], romanizedGiven: row["romanized_given"], romanizedFamily: row["romanized_family"],
                    requestedAddress: row["email"]
                )
                let attributes = EmployeeAttributes(
                    company: row["company"], department: row["department"], location: row["location"], employmentType: row["employment_type"])
                let result = try await previewer.preview(name, attributes: attributes, alsoTaken: &handedOut)
                results.append(result)
                if !json {
                    let shown = [row["family"], row["given"], row["full_name"]].compactMap { $0 }.joined(separator: " ")
                    print(
                        "\(shown)\t\(result.exchangeAccount ?? "—")\t\(result.error ?? "\(result.familyRomanized ?? "") \(result.givenRomanized ?? "")")"
                    )
                }
            }
            if json { print(try Self.encode(results)) }
            let failed = results.filter { $0.exchangeAccount == nil }.count
            if !json { print("\(results.count - failed) of \(results.count) people get an address; \(failed) need attention") }
            return
        }
        let name = PersonName(
            given: given ?? "", family: family ?? "", middle: middle, preferredGiven: preferredGiven, fullName: fullName,
            romanizedGiven: romanizedGiven, romanizedFamily: romanizedFamily, requestedAddress: email
        )
        let attributes = EmployeeAttributes(company: company, department: department, location: location, employmentType: employmentType)
        let result = try await previewer.preview(name, attributes: attributes, alsoTaken: &handedOut)
        if json {
            print(try Self.encode(result))
        } else {
            print(Self.describe(result))
        }
        if result.exchangeAccount == nil { throw ExitCode(1) }
    }

    func makePreviewer() throws -> NamingPreviewer {
        guard let config else {
            return NamingPreviewer(namer: try MailboxNamer(domain: "example.com"), store: nil, defaultAdminAccount: nil)
        }
        let configuration = try HireBindConfiguration.load(path: config)
        let namer = try NamingRules.namer(configuration.naming)
        // Offline: an existing store is read; a missing one is not created.
        let store = FileManager.default.fileExists(atPath: configuration.database.path) ? try SQLiteJobStore(path: configuration.database.path) : nil
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
        return lines.joined(separator: "\n")
    }
}
