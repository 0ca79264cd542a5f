// EventMapping: a sender's JSON and headers to hirebind's event, by a source's `map:`, each value with its origin.

public import Foundation
public import HireBindCore
public import WebhookSignature

/// Applies a source's ``MappingSettings`` to a request: pointers are parsed once, at start-up; each request is
/// decoded once into a ``JSONValue`` and read by pointer. No code is run: the places and the fixed transforms
/// are all a mapping can say.
public struct EventMapping: Sendable {
    /// One field, compiled: its places parsed.
    struct Field: Sendable {
        enum Place: Sendable {
            case pointer(JSONPointer)
            case header(String)
        }

        let places: [Place]
        let settings: FieldMapping
    }

    let eventID: Field?
    let eventTypeField: Field?
    let hireTypes: Set<String>
    let terminationTypes: Set<String>
    let occurredAt: Field?
    let callbackURL: Field?
    let employee: [(name: String, field: Field)]

    /// The employee fields a mapping may fill, in the order `hirebind map` shows them.
    public static let employeeFields = [
        "employee_id", "given_name", "family_name", "full_name", "middle_name", "preferred_given_name", "romanized_given_name",
        "romanized_family_name", "feishu_user_id", "email", "mobile", "department", "company", "location", "employment_type",
    ]

    /// Compiles `settings`; errors name the `map` key at fault.
    public init(_ settings: MappingSettings, key: String) throws(ConfigurationError) {
        func compile(_ field: FieldMapping?, _ name: String) throws(ConfigurationError) -> Field? {
            guard let field else { return nil }
            var places: [Field.Place] = []
            for place in field.from {
                if place.hasPrefix("header:") {
                    let header = String(place.dropFirst(7)).trimmingCharacters(in: .whitespaces)
                    guard !header.isEmpty else { throw ConfigurationError(key: "\(key).\(name)", "'header:' names no header") }
                    places.append(.header(header))
                } else {
                    do {
                        places.append(.pointer(try JSONPointer(place)))
                    } catch {
                        throw ConfigurationError(key: "\(key).\(name)", "\(error); write a JSON Pointer such as /employee/id, or header:NAME")
                    }
                }
            }
            guard !places.isEmpty || field.constant != nil else {
                throw ConfigurationError(key: "\(key).\(name)", "say where the value is (from: a JSON Pointer or header:NAME) or give a constant")
            }
            return Field(places: places, settings: field)
        }
        eventID = try compile(settings.eventID, "event_id")
        eventTypeField = try compile(settings.eventType.field, "event_type")
        hireTypes = Set(settings.eventType.hire)
        terminationTypes = Set(settings.eventType.termination)
        if eventTypeField != nil, hireTypes.isEmpty, terminationTypes.isEmpty {
            throw ConfigurationError(key: "\(key).event_type", "list the sender's event names under hire: and termination:")
        }
        occurredAt = try compile(settings.occurredAt, "occurred_at")
        callbackURL = try compile(settings.callbackURL, "callback_url")
        var employee: [(name: String, field: Field)] = []
        for (name, field) in settings.employee.sorted(by: { $0.key < $1.key }) {
            guard Self.employeeFields.contains(name) else {
                throw ConfigurationError(key: "\(key).employee.\(name)", "not an employee field; use \(Self.employeeFields.joined(separator: ", "))")
            }
            if let compiled = try compile(field, "employee.\(name)") { employee.append((name, compiled)) }
        }
        guard employee.contains(where: { $0.name == "employee_id" }) else {
            throw ConfigurationError(key: "\(key).employee.employee_id", "required: the sender's id for the person")
        }
        self.employee = employee
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
        /// The sender's event is neither a hire nor a termination: answered 200, no job.
        case ignored(reason: String, [Origin])
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
    }

    public func map(body: [UInt8], headers: HeaderLookup, receivedAt: Date = Date()) throws(Failure) -> Outcome {
        let document: JSONValue
        do {
            document = try JSONDecoder().decode(JSONValue.self, from: Data(body))
        } catch {
            throw .notJSON
        }
        var origins: [Origin] = []
        func read(_ field: Field?, _ name: String) -> String? {
            guard let field else { return nil }
            let (value, from) = Self.value(of: field, in: document, headers: headers)
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
        var values: [String: String] = [:]
        for (name, field) in employee {
            if let value = read(field, "employee.\(name)") { values[name] = value }
        }
        guard let employeeID = values["employee_id"] else {
            throw .missing(field: "employee.employee_id", places: employee.first { $0.name == "employee_id" }!.field.placesText)
        }
        let eventID: String
        if let mapped = read(self.eventID, "event_id") {
            eventID = mapped
        } else {
            eventID = "sha256:" + Hex.encode(SHA256.digest(body))
            origins.append(Origin(field: "event_id", value: eventID, from: "body digest"))
        }
        let occurredAt: String
        if let mapped = read(self.occurredAt, "occurred_at") {
            occurredAt = mapped
        } else {
            occurredAt = receivedAt.formatted(.iso8601)
            origins.append(Origin(field: "occurred_at", value: occurredAt, from: "received at"))
        }
        let event = NewHireEvent(
            eventID: eventID, eventType: eventType, occurredAt: occurredAt,
            employee: Employee(
                employeeID: employeeID, givenName: values["given_name"] ?? "", familyName: values["family_name"] ?? "",
                feishuUserID: values["feishu_user_id"], mobile: values["mobile"], middleName: values["middle_name"],
                preferredGivenName: values["preferred_given_name"], fullName: values["full_name"],
                romanizedGivenName: values["romanized_given_name"], romanizedFamilyName: values["romanized_family_name"],
                email: values["email"], department: values["department"], company: values["company"], location: values["location"],
                employmentType: values["employment_type"]),
            callbackURL: read(callbackURL, "callback_url"))
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
            field.hasPrefix("employee.") ? mapping.employee.first { "employee.\($0.name)" == field }?.field.placesText : nil
        }
    }

    /// A field's value and the place it came from, or nil and nil.
    static func value(of field: Field, in document: JSONValue, headers: HeaderLookup) -> (String?, String?) {
        var found: [(String, String)] = []
        for place in field.places {
            let raw: JSONValue?
            let name: String
            switch place {
            case .pointer(let pointer):
                raw = pointer.resolve(in: document)
                name = pointer.description.isEmpty ? "(the whole body)" : pointer.description
            case .header(let header):
                raw = headers.values(header).first.map(JSONValue.string)
                name = "header:\(header)"
            }
            guard var value = raw else { continue }
            if field.settings.transform.contains(.first), case .array(let items) = value {
                guard let first = items.first else { continue }
                value = first
            }
            guard let text = value.scalarText, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { continue }
            found.append((text, name))
            if field.settings.join == nil { break }
        }
        var text: String
        var from: String
        if found.isEmpty {
            guard let constant = field.settings.constant else { return (nil, nil) }
            (text, from) = (constant, "constant")
        } else if let separator = field.settings.join {
            text = found.map(\.0).joined(separator: separator)
            from = found.map(\.1).joined(separator: " + ")
        } else {
            (text, from) = found[0]
        }
        if let part = field.settings.split {
            let words = text.split(whereSeparator: \.isWhitespace)
            text =
                switch part {
                case .family: words.last.map(String.init) ?? ""
                case .given: words.count > 1 ? words.dropLast().joined(separator: " ") : ""
                }
            from += " (split: \(part.rawValue))"
        }
        for transform in field.settings.transform {
            switch transform {
            case .first: break
            case .lowercase: text = text.lowercased()
            case .trim: text = text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        return text.isEmpty ? (nil, nil) : (text, from)
    }
}

extension EventMapping.Field {
    var placesText: String {
        let names = places.map { place in
            switch place {
            case .pointer(let pointer): pointer.description
            case .header(let header): "header:\(header)"
            }
        }
        return names.isEmpty ? "(constant)" : names.joined(separator: ", ")
    }
}
