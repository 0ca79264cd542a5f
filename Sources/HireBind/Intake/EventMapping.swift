// EventMapping: a sender's JSON and headers to hirebind's event, by a source's `map:`, each value with its origin.

public import Foundation
public import HireBindCore
public import WebhookSignature

/// Applies a source's ``MappingSettings`` to a request: pointers are parsed once, at start-up; each request is
/// decoded once into a ``JSONValue`` and read by pointer. No code is run: the places and the fixed transforms
/// are all a mapping can say.
public struct EventMapping: Sendable {
    let eventID: MappedField?
    let eventTypeField: MappedField?
    let hireTypes: Set<String>
    let terminationTypes: Set<String>
    let occurredAt: MappedField?
    let callbackURL: MappedField?
    let employee: EmployeeMapping

    /// With a `fetch:` block: when the person is read from the sender's API instead of from the event.
    let reads: FetchSettings.When?
    /// `each:`: the list whose items are one event each (BambooHR posts several employees at once).
    public let each: JSONPointer?

    /// Compiles `settings`; errors name the `map` key at fault. `reads` is the source's `fetch.when`, if any.
    public init(_ settings: MappingSettings, key: String, reads: FetchSettings.When? = nil) throws(ConfigurationError) {
        eventID = try MappedField(settings.eventID, key: "\(key).event_id")
        eventTypeField = try MappedField(settings.eventType.field, key: "\(key).event_type")
        hireTypes = Set(settings.eventType.hire)
        terminationTypes = Set(settings.eventType.termination)
        if eventTypeField != nil, hireTypes.isEmpty, terminationTypes.isEmpty {
            throw ConfigurationError(key: "\(key).event_type", "list the sender's event names under hire: and termination:")
        }
        occurredAt = try MappedField(settings.occurredAt, key: "\(key).occurred_at")
        callbackURL = try MappedField(settings.callbackURL, key: "\(key).callback_url")
        employee = try EmployeeMapping(settings.employee, key: "\(key).employee", requiresID: true)
        self.reads = reads
        do {
            each = try settings.each.map { pointer throws(JSONPointerError) in try JSONPointer(pointer) }
        } catch {
            throw ConfigurationError(key: "\(key).each", "\(error); write a JSON Pointer to the list, such as /employees")
        }
    }

    /// Where one value came from, for `hirebind map` and the 422 that names a missing field.
    public struct Origin: Sendable, Equatable, Encodable {
        public var field: String
        public var value: String?
        /// The place that held it, `constant`, `body digest`, `received at`, or the places tried when absent.
        public var from: String
    }

    /// What a request maps to.
    public enum Outcome: Sendable, Equatable {
        case event(NewHireEvent, [Origin])
        /// A hire naming only the person's id (or any hire, with `fetch.when: always`): the person is read from the
        /// sender's API by a job, before naming.
        case personToRead(eventID: String, employeeID: String, callbackURL: String?, [Origin])
        /// The sender's event is neither a hire nor a termination: answered 200, no job.
        case ignored(reason: String, [Origin])

        /// The same outcome, the pointers its values came from written from the body's root (`/employees/1/id`).
        func placed(under item: String) -> Outcome {
            func placed(_ origins: [Origin]) -> [Origin] {
                origins.map { origin in
                    var origin = origin
                    origin.from = origin.from.split(separator: " + ", omittingEmptySubsequences: false).map { part in
                        part.hasPrefix("/") ? item + part : String(part)
                    }.joined(separator: " + ")
                    return origin
                }
            }
            switch self {
            case .event(let event, let origins): return .event(event, placed(origins))
            case .personToRead(let eventID, let employeeID, let callbackURL, let origins):
                return .personToRead(eventID: eventID, employeeID: employeeID, callbackURL: callbackURL, placed(origins))
            case .ignored(let reason, let origins): return .ignored(reason: reason, placed(origins))
            }
        }
    }

    /// A body the mapping cannot use: not JSON, or a required field absent from every place it names.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case notJSON
        case missing(field: String, places: String)
        case invalid(EventValidationError, places: String?)

        public var description: String {
            switch self {
            case .notJSON: "the body is not valid UTF-8 JSON"
            case .missing(let field, let places): "\(field): required, but none of \(places) is in the event"
            case .invalid(let error, let places?): "\(error.field): \(error.problem) (read from \(places))"
            case .invalid(let error, nil): "\(error)"
            }
        }

        /// The same failure, its field prefixed with the item it is about (`/employees/1`).
        func located(_ item: String) -> Failure {
            switch self {
            case .notJSON: .notJSON
            case .missing(let field, let places): .missing(field: "\(item): \(field)", places: places)
            case .invalid(let error, let places):
                .invalid(EventValidationError(field: "\(item): \(error.field)", problem: error.problem), places: places)
            }
        }
    }

    /// The most items an `each:` list may hold in one request.
    public static let maximumItems = 100

    /// Every event of a request: one, or with `each:` one per item of that list (in order), each read from its item.
    /// One item that cannot be used refuses the whole request, naming the item, so nothing is half taken.
    public func mapAll(body: [UInt8], headers: HeaderLookup, receivedAt: Date = Date()) throws(Failure) -> [Outcome] {
        let document = try Self.document(body)
        guard let each else { return [try map(document: document, body: body, item: nil, headers: headers, receivedAt: receivedAt)] }
        guard case .array(let items)? = each.resolve(in: document), !items.isEmpty else {
            throw .missing(field: "each", places: "\(each) (a non-empty list)")
        }
        guard items.count <= Self.maximumItems else {
            throw .invalid(
                EventValidationError(field: "each", problem: "\(items.count) items; at most \(Self.maximumItems) per request"),
                places: each.description)
        }
        var outcomes: [Outcome] = []
        for (index, item) in items.enumerated() {
            do {
                let outcome = try map(document: item, body: body, item: index, headers: headers, receivedAt: receivedAt)
                outcomes.append(outcome.placed(under: "\(each)/\(index)"))
            } catch {
                throw error.located("\(each)/\(index)")
            }
        }
        return outcomes
    }

    /// The request's event (the first item's, with `each:`).
    public func map(body: [UInt8], headers: HeaderLookup, receivedAt: Date = Date()) throws(Failure) -> Outcome {
        try mapAll(body: body, headers: headers, receivedAt: receivedAt)[0]
    }

    static func document(_ body: [UInt8]) throws(Failure) -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(body))
        } catch {
            throw .notJSON
        }
    }

    /// One event from `document` (the body, or one item of `each:`, numbered `item`).
    func map(document: JSONValue, body: [UInt8], item: Int?, headers: HeaderLookup, receivedAt: Date) throws(Failure) -> Outcome {
        var origins: [Origin] = []
        func read(_ field: MappedField?, _ name: String) -> String? {
            guard let field else { return nil }
            let (value, from) = field.value(in: document, headers: headers)
            origins.append(Origin(field: name, value: value, from: from ?? "none of \(field.placesText)"))
            return value
        }

        var eventType = NewHireEvent.hiredType
        if let eventTypeField {
            guard let name = read(eventTypeField, "event_type") else { throw .missing(field: "event_type", places: eventTypeField.placesText) }
            if hireTypes.contains(name) {
                eventType = NewHireEvent.hiredType
            } else if terminationTypes.contains(name) {
                eventType = NewHireEvent.terminatedType
            } else {
                return .ignored(reason: "the event type '\(name.prefix(64))' is neither a hire nor a termination in this source's map", origins)
            }
        }
        let values = employee.values(in: document, headers: headers, origins: &origins)
        guard let employeeID = values["employee_id"] else {
            throw .missing(field: "employee.employee_id", places: employee.places(of: "employee_id") ?? "")
        }
        let eventID: String
        if let mapped = read(self.eventID, "event_id") {
            eventID = mapped
        } else {
            eventID = "sha256:" + Hex.encode(SHA256.digest(body)) + (item.map { "#\($0)" } ?? "")
            origins.append(Origin(field: "event_id", value: eventID, from: item == nil ? "body digest" : "body digest and item number"))
        }
        let occurredAt: String
        if let mapped = read(self.occurredAt, "occurred_at") {
            occurredAt = mapped
        } else {
            occurredAt = receivedAt.formatted(.iso8601)
            origins.append(Origin(field: "occurred_at", value: occurredAt, from: "received at"))
        }
        let callbackURL = read(self.callbackURL, "callback_url")
        if eventType == NewHireEvent.hiredType, let reads,
            reads == .always || (values["full_name"] == nil && (values["given_name"] == nil || values["family_name"] == nil))
        {
            let limit = NewHireEvent.maximumIdentifierLength
            for (field, value) in [("event_id", eventID), ("employee.employee_id", employeeID)] where value.count > limit {
                throw .invalid(
                    EventValidationError(field: field, problem: "must be at most \(limit) characters"), places: Self.places(of: field, in: self))
            }
            return .personToRead(eventID: eventID, employeeID: employeeID, callbackURL: callbackURL, origins)
        }
        let event = NewHireEvent(
            eventID: eventID, eventType: eventType, occurredAt: occurredAt, employee: EmployeeMapping.employee(values, id: employeeID),
            callbackURL: callbackURL)
        do {
            try event.validate()
        } catch {
            // Name the places the field was looked for, so the admin sees which pointer to fix.
            let places = Self.places(of: error.field, in: self)
            if error.problem == "must not be empty", let places { throw .missing(field: error.field, places: places) }
            throw .invalid(error, places: places)
        }
        return .event(event, origins)
    }

    /// The places a validated field (`employee.given_name`) was read from, when the mapping names it.
    static func places(of field: String, in mapping: EventMapping) -> String? {
        switch field {
        case "event_id": mapping.eventID?.placesText
        case "occurred_at": mapping.occurredAt?.placesText
        case "callback_url": mapping.callbackURL?.placesText
        default:
            field.hasPrefix("employee.") ? mapping.employee.places(of: String(field.dropFirst("employee.".count))) : nil
        }
    }
}
