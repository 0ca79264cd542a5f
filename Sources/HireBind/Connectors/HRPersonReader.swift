// HRPersonReader: the person an HR source's id-only event names, read from that HR system's API by `fetch:`.

import AsyncHTTPClient
import FeishuAPI
import Foundation
import HTTPAuthorization
import HireBindCore
import Logging
import NIOCore
import NIOHTTP1
import Secrets
import WebhookSignature

/// Reads one person from the HR system's API as the source's `fetch:` block says (the URL with the id
/// percent-encoded into it, the method, a JSON body for POST searches, the sign-in) and maps the answer with
/// `fetch.map`. A failing or throttled API is retried with the job's backoff; a 404 fails the job with the
/// reason; refused credentials make jobs wait for an operator. Credentials never reach a log, an error or
/// the job's history: messages name the URL's scheme, host and path only.
struct HRPersonReader: PersonReading {
    let source: String
    let settings: FetchSettings
    let mapping: EmployeeMapping
    let credentials: RequestCredentials
    let httpClient: HTTPClient
    let logger: Logger

    /// Largest answer read about one person.
    static let maximumAnswerBytes = 1 << 20

    init(
        source: String, settings: FetchSettings, mapping: EmployeeMapping, credentials: RequestCredentials, httpClient: HTTPClient, logger: Logger
    ) {
        self.source = source
        self.settings = settings
        self.mapping = mapping
        self.credentials = credentials
        self.httpClient = httpClient
        self.logger = logger
    }

    func read(_ job: BindJob) async -> PersonReadOutcome {
        let url = Self.url(settings.url, employeeID: job.employeeID)
        let shown = Self.shown(url)
        var request = HTTPClientRequest(url: url)
        request.method = settings.method == .POST ? .POST : .GET
        request.headers.add(name: "Accept", value: "application/json")
        for (name, value) in settings.headers.sorted(by: { $0.key < $1.key }) { request.headers.replaceOrAdd(name: name, value: value) }
        if let body = settings.body {
            request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: Self.body(body, employeeID: job.employeeID)))
        }
        for attempt in 1...2 {
            let authorization: Secret?
            do throws(ClientCredentialsError) {
                authorization = try await credentials.authorization()
            } catch {
                switch error {
                case .refused(let reason):
                    return setback(
                        "hr_api_credentials", "\(source)'s HR API sign-in was refused (\(reason))", .waitForOperator,
                        hint: "Fix sources.\(source).fetch.auth (client id, secret, scope); the jobs wait and go on by themselves once it works.")
                case .unavailable(let reason, let retryAfter):
                    return setback(
                        "hr_api_unavailable", "\(source)'s HR API sign-in failed: \(reason)", retryAfter == nil ? .retry : .rateLimited,
                        retryAfter: retryAfter)
                }
            }
            if let authorization { request.headers.replaceOrAdd(name: "Authorization", value: authorization.value) }
            let status: Int
            let headers: HTTPHeaders
            let answer: Data
            do {
                let response = try await httpClient.execute(
                    request, timeout: .milliseconds(Int64(settings.timeoutSeconds * 1000)), logger: logger.forHTTPClient)
                let bytes = try await response.body.collect(upTo: Self.maximumAnswerBytes)
                (status, headers, answer) = (Int(response.status.code), response.headers, Data(bytes.readableBytesView))
            } catch {
                return setback("hr_api_unavailable", "\(settings.method.rawValue) \(shown) failed: \(TransportFailure.reason(error))", .retry)
            }
            let retryAfter = headers.first(name: "Retry-After").flatMap(Double.init)
            switch status {
            case 200..<300:
                return person(in: answer, job: job, shown: shown)
            case 401 where attempt == 1:
                // A cached OAuth token revoked or expired early: one new token, one more try.
                if await credentials.refused() { continue }
                fallthrough
            case 401, 403:
                return setback(
                    "hr_api_credentials", "\(settings.method.rawValue) \(shown) answered \(status): the HR API refused hirebind's credentials",
                    .waitForOperator, hint: "Fix sources.\(source).fetch.auth or the API user's permissions; the jobs wait meanwhile.")
            case 404, 410:
                return setback(
                    "person_not_found", "\(settings.method.rawValue) \(shown) answered \(status): \(source) has no employee \(job.employeeID)",
                    .permanent, hint: "Check that the event's id is the one the API is read by (map.employee.employee_id), then retry the job.")
            case 429:
                return setback("hr_api_throttled", "\(settings.method.rawValue) \(shown) answered 429", .rateLimited, retryAfter: retryAfter)
            case 500..<600, 408:
                return setback(
                    "hr_api_unavailable", "\(settings.method.rawValue) \(shown) answered \(status)", retryAfter == nil ? .retry : .rateLimited,
                    retryAfter: retryAfter)
            default:
                return setback(
                    "hr_api_refused", "\(settings.method.rawValue) \(shown) answered \(status)\(Self.excerpt(answer))", .permanent,
                    hint: "Check sources.\(source).fetch (URL, method, body, headers), then retry the job.")
            }
        }
        return setback("hr_api_credentials", "the HR API refused a fresh token", .waitForOperator)
    }

    /// The answer's person, mapped by `fetch.map`, as the hire the intake takes.
    func person(in answer: Data, job: BindJob, shown: String) -> PersonReadOutcome {
        switch Self.map(answer: Array(answer), mapping: mapping, source: source, eventID: job.eventID, employeeID: job.employeeID) {
        case .mapped(let event, let origins):
            let provenance =
                ["the person was read from \(settings.method.rawValue) \(shown)"]
                + origins.filter { $0.value != nil }.map { "\($0.field) from \($0.from)" }
            return .hire(event, provenance: provenance)
        case .notJSON:
            return setback("hr_api_not_json", "\(settings.method.rawValue) \(shown) answered with a body that is not JSON", .retry)
        case .unusable(let reason):
            return setback(
                "unusable_person", reason, .permanent,
                hint: "Fix the person's record in the HR system or sources.\(source).fetch.map, then retry the job.")
        }
    }

    /// What an answer about one person maps to.
    enum MappedAnswer: Sendable {
        case mapped(NewHireEvent, [EventMapping.Origin])
        case notJSON
        case unusable(String)
    }

    /// Maps an answer with `fetch.map`; `hirebind map --answer` and the reader share it.
    static func map(answer: [UInt8], settings: FetchSettings, source: String, eventID: String, employeeID: String) -> MappedAnswer {
        guard let mapping = try? EmployeeMapping(settings.map, key: "sources.\(source).fetch.map", requiresID: false) else {
            return .unusable("sources.\(source).fetch.map does not compile")
        }
        return map(answer: answer, mapping: mapping, source: source, eventID: eventID, employeeID: employeeID)
    }

    static func map(answer: [UInt8], mapping: EmployeeMapping, source: String, eventID: String, employeeID: String) -> MappedAnswer {
        guard let document = try? JSONDecoder().decode(JSONValue.self, from: Data(answer)) else { return .notJSON }
        var origins: [EventMapping.Origin] = []
        let values = mapping.values(in: document, headers: HeaderLookup([]), origins: &origins)
        let event = NewHireEvent(
            eventID: "\(eventID)#read", occurredAt: Date().formatted(.iso8601), employee: EmployeeMapping.employee(values, id: employeeID),
            callbackURL: nil)
        do {
            try event.validate()
        } catch {
            let field = String(error.field.dropFirst("employee.".count))
            let places = mapping.places(of: field).map { " (read from \($0))" } ?? " (not in fetch.map)"
            return .unusable("the HR API's answer for \(employeeID): \(error.field) \(error.problem)\(places)")
        }
        return .mapped(event, origins)
    }

    func setback(
        _ code: String, _ message: String, _ errorClass: FeishuErrorClass, retryAfter: Double? = nil, hint: String = "hirebind reads again later."
    ) -> PersonReadOutcome {
        logger.notice("the person could not be read from the HR API", metadata: ["source": "\(source)", "code": "\(code)", "reason": "\(message)"])
        return .setback(Setback(failure: JobFailure(code: code, message: message, hint: hint), errorClass: errorClass, retryAfter: retryAfter))
    }

    /// The URL with the id percent-encoded into it: unreserved characters only, so an id cannot add a path
    /// segment, a query or a host.
    static func url(_ template: String, employeeID: String) -> String {
        template.replacingOccurrences(of: FetchSettings.placeholder, with: FormEncoding.encoded(employeeID))
    }

    /// The body template with the id written in as JSON string content.
    static func body(_ template: String, employeeID: String) -> String {
        let quoted = (try? JSONEncoder().encode(employeeID)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
        return template.replacingOccurrences(of: FetchSettings.placeholder, with: String(quoted.dropFirst().dropLast()))
    }

    /// The URL as messages show it: scheme, host and path, never the query (which may hold an API key).
    static func shown(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "the HR API" }
        components.query = nil
        components.user = nil
        components.password = nil
        return components.string ?? "the HR API"
    }

    static func excerpt(_ answer: Data) -> String {
        let text = String(decoding: answer.prefix(200), as: UTF8.self).filter { !$0.isNewline }
        return text.isEmpty ? "" : ": \(text)"
    }

}

extension HRPersonReader: CustomStringConvertible {
    /// What a log line may show (the service group logs its services): never the URL's query, which may hold a key.
    var description: String { "HRPersonReader(source: \(source), \(settings.method.rawValue) \(Self.shown(settings.url)))" }
}
