// ConnectorCheck: `hirebind map`: what the service would do with one request of a source, worked out offline.

public import Foundation
public import HireBindCore
public import JobStore
import MailboxNaming
public import WebhookSignature

/// What a source would make of one request: whether its signature verifies, the event its map yields field by
/// field (and where each value came from), and the address the naming rules would give. Nothing is written;
/// the route and this check share ``SourceVerifier`` and ``EventMapping``, so the verdicts are the service's.
public struct ConnectorCheck: Sendable, Encodable {
    public var source: String
    /// `verified`, or why not (`not checked` when the source's secrets are not in this environment).
    public var signature: String
    public var signatureVerified: Bool?
    /// `hire`, `termination`, `ignored` or `refused`.
    public var outcome: String
    /// Why the event is ignored or refused, as the service would answer.
    public var reason: String?
    public var fields: [EventMapping.Origin]
    public var naming: NamingPreview?
    /// With `each:`, how many events the request holds (the first is shown).
    public var items: Int?
    public var note: String?

    enum CodingKeys: String, CodingKey {
        case source, signature, outcome, reason, fields, naming, items, note
        case signatureVerified = "signature_verified"
    }

    /// Checks `body` and `headers` against source `name` of `configuration`; secrets are read from `environment`.
    /// For an id-only hire, `answer` is a sample of the HR API's answer about the person, mapped by `fetch.map`.
    public static func run(
        configuration: HireBindConfiguration, source name: String, body: [UInt8], headers: HeaderLookup, environment: [String: String],
        store: (any IntakeLedger)?, answer: [UInt8]? = nil, now: Date = Date()
    ) async throws -> ConnectorCheck {
        try await run(
            configuration: configuration, source: name, body: body, headers: headers,
            signingSecrets: {
                try configuration.sources[name].map { try ServiceSecrets.signingSecrets(of: $0, named: name, environment: environment) } ?? []
            },
            store: store, answer: answer, now: now)
    }

    /// The same check with the source's secrets from `signingSecrets` (the running service's, for the console).
    static func run(
        configuration: HireBindConfiguration, source name: String, body: [UInt8], headers: HeaderLookup,
        signingSecrets: () throws -> [SigningSecret], store: (any IntakeLedger)?, answer: [UInt8]? = nil, now: Date = Date()
    ) async throws -> ConnectorCheck {
        guard let settings = configuration.sources[name] else {
            throw ConfigurationError(
                key: "sources", "no source named '\(name)'; the configuration has \(configuration.sources.keys.sorted().joined(separator: ", "))")
        }
        guard settings.scheme != .feishuEvents else {
            throw ConfigurationError(key: "sources.\(name)", "a feishu-events source is checked by the sandbox's events, not by hirebind map")
        }
        var check = ConnectorCheck(source: name, signature: "", outcome: "refused", fields: [])
        do {
            let secrets = try signingSecrets()
            if let verifier = try SourceVerifier(source: name, settings: settings, secrets: secrets) {
                do {
                    try verifier.verify(headers: headers, body: body, clientAddress: nil, now: Int64(now.timeIntervalSince1970))
                    check.signature = "verified (\(settings.scheme.rawValue))"
                    check.signatureVerified = true
                } catch {
                    check.signature = "refused: \(error)"
                    check.signatureVerified = false
                }
            }
        } catch {
            check.signature = "not checked: \(error)"
        }
        let event: NewHireEvent
        if let map = settings.map {
            let mapping = try EventMapping(map, key: "sources.\(name).map", reads: settings.fetch?.when)
            do {
                let all = try mapping.mapAll(body: body, headers: headers, receivedAt: now)
                if all.count > 1, let each = mapping.each {
                    check.items = all.count
                    check.note = "the request holds \(all.count) events (each: \(each)); the first is shown, the others are taken the same way"
                }
                switch all[0] {
                case .event(let mapped, let origins):
                    event = mapped
                    check.fields = origins
                case .personToRead(_, let employeeID, _, let origins):
                    check.fields = origins
                    check.outcome = "hire (id only)"
                    let fetch = settings.fetch!
                    let url = HRPersonReader.shown(HRPersonReader.url(fetch.url, employeeID: employeeID))
                    check.reason = "the person is read from \(fetch.method.rawValue) \(url) before naming"
                    guard let answer else { return check }
                    let outcome = HRPersonReader.map(answer: answer, settings: fetch, source: name, eventID: "check", employeeID: employeeID)
                    switch outcome {
                    case .mapped(let read, let readOrigins):
                        check.fields += readOrigins.map { .init(field: "fetch.\($0.field)", value: $0.value, from: $0.from) }
                        event = read
                    case .unusable(let reason):
                        check.reason = "\(check.reason!); the sample answer: \(reason)"
                        return check
                    case .notJSON:
                        check.reason = "\(check.reason!); the sample answer is not JSON"
                        return check
                    }
                case .ignored(let reason, let origins):
                    check.fields = origins
                    check.outcome = "ignored"
                    check.reason = reason
                    return check
                }
            } catch {
                check.reason = "\(error)"
                return check
            }
        } else {
            do {
                event = try NewHireEvent.decode(from: Data(body))
            } catch let error as EventValidationError {
                check.reason = "\(error)"
                return check
            } catch {
                check.reason = "the body is not valid UTF-8 JSON"
                return check
            }
            check.fields = Self.nativeOrigins(event)
        }
        if check.outcome == "refused" { check.outcome = event.eventType == NewHireEvent.terminatedType ? "termination" : "hire" }
        if event.eventType == NewHireEvent.hiredType {
            let previewer = NamingPreviewer(
                namer: try NamingRules.namer(configuration.naming), store: store, defaultAdminAccount: configuration.feishu.adminAccount)
            var taken: Set<String> = []
            check.naming = try await previewer.preview(event.employee.personName, attributes: event.employee.attributes, alsoTaken: &taken)
        }
        return check
    }

    /// hirebind's own body: every field from the pointer of the same name.
    static func nativeOrigins(_ event: NewHireEvent) -> [EventMapping.Origin] {
        let employee = event.employee
        let values: [(String, String?)] = [
            ("employee_id", employee.employeeID), ("given_name", employee.givenName), ("family_name", employee.familyName),
            ("full_name", employee.fullName), ("middle_name", employee.middleName), ("preferred_given_name", employee.preferredGivenName),
            ("romanized_given_name", employee.romanizedGivenName), ("romanized_family_name", employee.romanizedFamilyName),
            ("feishu_user_id", employee.feishuUserID), ("email", employee.email), ("mobile", employee.mobile),
            ("department", employee.department), ("company", employee.company), ("location", employee.location),
            ("employment_type", employee.employmentType),
        ]
        return [
            .init(field: "event_id", value: event.eventID, from: "/event_id"),
            .init(field: "event_type", value: event.eventType, from: "/event_type"),
            .init(field: "occurred_at", value: event.occurredAt, from: "/occurred_at"),
        ]
            + values.compactMap { name, value in
                guard let value, !value.isEmpty else { return nil }
                return .init(field: "employee.\(name)", value: value, from: "/employee/\(name)")
            }
    }

    /// The report as an admin reads it.
    public var text: String {
        var lines = ["source:     \(source)", "signature:  \(signature)", "outcome:    \(outcome)"]
        if let reason { lines.append("reason:     \(reason)") }
        if let note { lines.append("note:       \(note)") }
        if !fields.isEmpty {
            lines.append("fields:")
            let width = fields.map(\.field.count).max() ?? 0
            for origin in fields {
                let padded = origin.field.padding(toLength: width, withPad: " ", startingAt: 0)
                lines.append("  \(padded)  \(origin.value.map { "\"\($0)\"" } ?? "—")  ← \(origin.from)")
            }
        }
        if let naming {
            if let address = naming.exchangeAccount {
                lines.append("address:    \(address) (rule set \(naming.ruleSet ?? "?"))")
            } else {
                lines.append("address:    none: \(naming.error ?? "no address")")
            }
        }
        return lines.joined(separator: "\n")
    }
}
