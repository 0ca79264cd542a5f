// MapCommand: `hirebind map`: check a connector offline against a sample request of the HR system.

import ArgumentParser
import Foundation
import HireBind
import JobStore
import Logging
import WebhookSignature

struct MapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Show what a source would do with a sample request: signature, mapped fields, event type, address.",
        discussion: """
            Offline: nothing is written and nothing is sent. The source's secrets are read from the environment as \
            `serve` reads them; without them the signature is reported as not checked. --headers is a file of \
            'Name: value' lines (as curl -D writes them). A signature with a timestamp is checked against now, or \
            against --now (seconds since 1970) for a sample captured earlier. For a source with fetch:, an id-only \
            hire is shown with the URL the person would be read from; --answer maps a sample of that API's answer \
            with fetch.map and names the address. Exits 1 when the request would be refused (signature, missing \
            field) or would get no address.
            """
    )

    @Option(help: "The source (a key of sources:) the request is for.") var source: String
    @Option(help: "The request body, as the HR system sends it.") var body: String
    @Option(help: "A file of 'Name: value' header lines.") var headers: String?
    @Option(help: "For an id-only hire: a sample of the HR API's answer about the person (fetch:).") var answer: String?
    @Option(help: "The service's YAML configuration.") var config: String = "hirebind.yaml"
    @Option(help: "Check a signed timestamp against this time (seconds since 1970) instead of now.") var now: Int64?
    @Flag(help: "Print JSON instead of text.") var json = false

    func run() async throws {
        let configuration = try HireBindConfiguration.load(path: config)
        guard let bodyData = FileManager.default.contents(atPath: body) else { throw ValidationError("cannot read \(body)") }
        var fields: [(name: String, value: String)] = []
        if let headers {
            guard let data = FileManager.default.contents(atPath: headers) else { throw ValidationError("cannot read \(headers)") }
            fields = Self.headerLines(String(decoding: data, as: UTF8.self))
        }
        var answerBytes: [UInt8]?
        if let answer {
            guard let data = FileManager.default.contents(atPath: answer) else { throw ValidationError("cannot read \(answer)") }
            answerBytes = Array(data)
        }
        let store = try await StoreLocation.of(configuration.database, environment: ProcessInfo.processInfo.environment).openIfPresent(logger: Logger(label: "hirebind"))
        let check = try await ConnectorCheck.run(
            configuration: configuration, source: source, body: Array(bodyData), headers: HeaderLookup(fields),
            environment: ProcessInfo.processInfo.environment, store: store, answer: answerBytes,
            now: now.map { Date(timeIntervalSince1970: TimeInterval($0)) } ?? Date())
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(check), as: UTF8.self))
        } else {
            print(check.text)
        }
        let named = check.naming?.exchangeAccount != nil
        if check.signatureVerified == false || check.outcome == "refused" || (check.outcome == "hire" && !named)
            || (check.outcome == "hire (id only)" && answerBytes != nil && !named)
        {
            throw ExitCode(1)
        }
    }

    /// `Name: value` lines; an HTTP status line and blank lines are skipped.
    static func headerLines(_ text: String) -> [(name: String, value: String)] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            guard let colon = line.firstIndex(of: ":"), !line.hasPrefix("HTTP/") else { return nil }
            return (
                String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            )
        }
    }
}
