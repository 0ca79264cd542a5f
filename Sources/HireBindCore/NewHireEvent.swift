import Foundation

/// The canonical new-hire event an HR system posts to `POST /v1/webhooks/{source}`.
public struct NewHireEvent: Sendable, Hashable, Codable {
    public static let hiredType = "employee.hired"

    public var eventID: String
    public var eventType: String
    public var occurredAt: String
    public var employee: Employee
    public var callbackURL: String?

    public init(eventID: String, eventType: String = NewHireEvent.hiredType, occurredAt: String, employee: Employee, callbackURL: String? = nil) {
        self.eventID = eventID
        self.eventType = eventType
        self.occurredAt = occurredAt
        self.employee = employee
        self.callbackURL = callbackURL
    }

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id"
        case eventType = "event_type"
        case occurredAt = "occurred_at"
        case employee
        case callbackURL = "callback_url"
    }
}

/// The person the event is about.
public struct Employee: Sendable, Hashable, Codable {
    public var employeeID: String
    public var givenName: String
    public var familyName: String
    public var feishuUserID: String
    public var email: String?
    public var department: String?
    public var company: String?
    public var location: String?
    public var employmentType: String?

    public init(
        employeeID: String, givenName: String, familyName: String, feishuUserID: String,
        email: String? = nil, department: String? = nil, company: String? = nil,
        location: String? = nil, employmentType: String? = nil
    ) {
        self.employeeID = employeeID
        self.givenName = givenName
        self.familyName = familyName
        self.feishuUserID = feishuUserID
        self.email = email
        self.department = department
        self.company = company
        self.location = location
        self.employmentType = employmentType
    }

    enum CodingKeys: String, CodingKey {
        case employeeID = "employee_id"
        case givenName = "given_name"
        case familyName = "family_name"
        case feishuUserID = "feishu_user_id"
        case email, department, company, location
        case employmentType = "employment_type"
    }
}

/// A request body that is JSON but not a valid new-hire event; `field` is a dotted path.
public struct EventValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var problem: String

    public init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }

    public var description: String { "\(field): \(problem)" }
}

extension NewHireEvent {
    /// Longest accepted `event_id`, `employee_id` and name part, in characters.
    public static let maximumIdentifierLength = 256

    /// Decodes and validates an event. Throws ``EventValidationError`` naming the first bad field,
    /// or `DecodingError.dataCorrupted` with an empty path when the bytes are not JSON at all.
    public static func decode(from body: Data) throws -> NewHireEvent {
        let event: NewHireEvent
        do {
            event = try JSONDecoder().decode(NewHireEvent.self, from: body)
        } catch let error as DecodingError {
            if let validation = EventValidationError(error) { throw validation }
            throw error
        }
        try event.validate()
        return event
    }

    public func validate() throws(EventValidationError) {
        try Self.require("event_id", eventID, max: Self.maximumIdentifierLength)
        guard eventType == Self.hiredType else {
            throw EventValidationError(field: "event_type", problem: "must be '\(Self.hiredType)', got '\(eventType.prefix(64))'")
        }
        guard Self.parseTimestamp(occurredAt) != nil else {
            throw EventValidationError(field: "occurred_at", problem: "must be an RFC 3339 timestamp such as 2026-11-25T09:00:00Z")
        }
        try Self.require("employee.employee_id", employee.employeeID, max: Self.maximumIdentifierLength)
        try Self.require("employee.given_name", employee.givenName, max: Self.maximumIdentifierLength)
        try Self.require("employee.family_name", employee.familyName, max: Self.maximumIdentifierLength)
        // Feishu accepts user ids of 1–500 characters.
        try Self.require("employee.feishu_user_id", employee.feishuUserID, max: 500)
        if let callbackURL {
            guard callbackURL.count <= 2048, let url = URL(string: callbackURL), let scheme = url.scheme?.lowercased(),
                  scheme == "http" || scheme == "https", url.host?.isEmpty == false
            else {
                throw EventValidationError(field: "callback_url", problem: "must be an absolute http(s) URL of at most 2048 characters")
            }
        }
    }

    static func require(_ field: String, _ value: String, max: Int) throws(EventValidationError) {
        if value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw EventValidationError(field: field, problem: "must not be empty")
        }
        if value.count > max {
            throw EventValidationError(field: field, problem: "must be at most \(max) characters")
        }
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw EventValidationError(field: field, problem: "must not contain control characters")
        }
    }

    static func parseTimestamp(_ text: String) -> Date? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        return plain.date(from: text) ?? withFraction.date(from: text)
    }
}

extension EventValidationError {
    /// Names the field a `DecodingError` is about; nil when the input was not JSON at all.
    init?(_ error: DecodingError) {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            let keys = (codingPath + (last.map { [$0] } ?? [])).map { key in
                key.intValue.map { "[\($0)]" } ?? key.stringValue
            }
            return keys.isEmpty ? "body" : keys.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            self.init(field: path(context.codingPath, key), problem: "is required")
        case .valueNotFound(_, let context):
            self.init(field: path(context.codingPath), problem: "must not be null")
        case .typeMismatch(let type, let context):
            self.init(field: path(context.codingPath), problem: "must be \(Self.jsonTypeName(type))")
        case .dataCorrupted(let context):
            guard !context.codingPath.isEmpty else { return nil }
            self.init(field: path(context.codingPath), problem: "is not valid")
        @unknown default:
            return nil
        }
    }

    static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "a boolean"
        default: "an object"
        }
    }
}
