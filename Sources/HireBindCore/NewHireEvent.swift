// NewHireEvent: the canonical event body an HR system posts, its fields and their validation.

public import Foundation

/// The canonical new-hire event an HR system posts to `POST /v1/webhooks/{source}`.
public struct NewHireEvent: Sendable, Hashable, Codable {
    public static let hiredType = "employee.hired"
    /// Offboarding: the person's Exchange binding is removed; the mailbox address stays reserved.
    public static let terminatedType = "employee.terminated"

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
    /// Given and family name; both may be left empty when `fullName` is sent.
    public var givenName: String
    public var familyName: String
    /// The Feishu user id (of the configured `user_id_type`); when absent, it is looked up by `email` or `mobile`.
    public var feishuUserID: String?
    /// A mobile number in Feishu's contacts (`+8613800000000`), for looking up the Feishu user id.
    public var mobile: String?
    public var middleName: String?
    public var preferredGivenName: String?
    /// The whole name in one field (张伟, 欧阳娜娜): split by the naming rules when a part is missing.
    public var fullName: String?
    /// Romanised parts the HR system holds; required for Japanese names written in kanji.
    public var romanizedGivenName: String?
    public var romanizedFamilyName: String?
    /// The work email HR already assigned, used first by rule sets with `prefer_hr_address`.
    public var email: String?
    public var department: String?
    public var company: String?
    public var location: String?
    public var employmentType: String?

    public init(
        employeeID: String, givenName: String, familyName: String, feishuUserID: String?,
        mobile: String? = nil, middleName: String? = nil, preferredGivenName: String? = nil, fullName: String? = nil,
        romanizedGivenName: String? = nil, romanizedFamilyName: String? = nil,
        email: String? = nil, department: String? = nil, company: String? = nil,
        location: String? = nil, employmentType: String? = nil
    ) {
        self.employeeID = employeeID
        self.givenName = givenName
        self.familyName = familyName
        self.feishuUserID = feishuUserID
        self.mobile = mobile
        self.middleName = middleName
        self.preferredGivenName = preferredGivenName
        self.fullName = fullName
        self.romanizedGivenName = romanizedGivenName
        self.romanizedFamilyName = romanizedFamilyName
        self.email = email
        self.department = department
        self.company = company
        self.location = location
        self.employmentType = employmentType
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        employeeID = try c.decode(String.self, forKey: .employeeID)
        fullName = try c.decodeIfPresent(String.self, forKey: .fullName)
        // Which name fields are required depends on the event type: `validate()` checks them.
        givenName = try c.decodeIfPresent(String.self, forKey: .givenName) ?? ""
        familyName = try c.decodeIfPresent(String.self, forKey: .familyName) ?? ""
        feishuUserID = try c.decodeIfPresent(String.self, forKey: .feishuUserID)
        mobile = try c.decodeIfPresent(String.self, forKey: .mobile)
        middleName = try c.decodeIfPresent(String.self, forKey: .middleName)
        preferredGivenName = try c.decodeIfPresent(String.self, forKey: .preferredGivenName)
        romanizedGivenName = try c.decodeIfPresent(String.self, forKey: .romanizedGivenName)
        romanizedFamilyName = try c.decodeIfPresent(String.self, forKey: .romanizedFamilyName)
        email = try c.decodeIfPresent(String.self, forKey: .email)
        department = try c.decodeIfPresent(String.self, forKey: .department)
        company = try c.decodeIfPresent(String.self, forKey: .company)
        location = try c.decodeIfPresent(String.self, forKey: .location)
        employmentType = try c.decodeIfPresent(String.self, forKey: .employmentType)
    }

    enum CodingKeys: String, CodingKey {
        case employeeID = "employee_id"
        case givenName = "given_name"
        case familyName = "family_name"
        case feishuUserID = "feishu_user_id"
        case middleName = "middle_name"
        case preferredGivenName = "preferred_given_name"
        case fullName = "full_name"
        case romanizedGivenName = "romanized_given_name"
        case romanizedFamilyName = "romanized_family_name"
        case email, mobile, department, company, location
        case employmentType = "employment_type"
    }
}

extension Employee {
    /// The name as a person reads it: the whole name when the event gave one, else the given, middle and
    /// family names (joined without spaces when they are Han, kana or Hangul, which are written so).
    public var displayName: String {
        if let fullName, !fullName.trimmingCharacters(in: .whitespaces).isEmpty { return fullName }
        let parts = [givenName, middleName ?? "", familyName].filter { !$0.isEmpty }
        let eastAsian = parts.allSatisfy { part in
            part.unicodeScalars.allSatisfy {
                $0.properties.isIdeographic || (0x3040...0x30FF).contains($0.value) || (0xAC00...0xD7A3).contains($0.value)
            }
        }
        return eastAsian ? ([familyName, givenName].joined()) : parts.joined(separator: " ")
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
        guard eventType == Self.hiredType || eventType == Self.terminatedType else {
            throw EventValidationError(
                field: "event_type", problem: "must be '\(Self.hiredType)' or '\(Self.terminatedType)', got '\(eventType.prefix(64))'"
            )
        }
        guard Self.parseTimestamp(occurredAt) != nil else {
            throw EventValidationError(field: "occurred_at", problem: "must be an RFC 3339 timestamp such as 2026-11-25T09:00:00Z")
        }
        try Self.require("employee.employee_id", employee.employeeID, max: Self.maximumIdentifierLength)
        if eventType == Self.terminatedType {
            // Offboarding names the employee only; the binding to remove is the one hirebind made.
        } else if let fullName = employee.fullName {
            try Self.require("employee.full_name", fullName, max: Self.maximumIdentifierLength)
        } else {
            try Self.require("employee.given_name", employee.givenName, max: Self.maximumIdentifierLength)
            try Self.require("employee.family_name", employee.familyName, max: Self.maximumIdentifierLength)
        }
        for (field, value) in [
            ("employee.middle_name", employee.middleName), ("employee.preferred_given_name", employee.preferredGivenName),
            ("employee.romanized_given_name", employee.romanizedGivenName), ("employee.romanized_family_name", employee.romanizedFamilyName),
            ("employee.email", employee.email), ("employee.mobile", employee.mobile), ("employee.department", employee.department),
            ("employee.company", employee.company),
            ("employee.location", employee.location), ("employee.employment_type", employee.employmentType),
        ] {
            if let value,
                value.count > Self.maximumIdentifierLength || value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            {
                throw EventValidationError(
                    field: field, problem: "must be at most \(Self.maximumIdentifierLength) characters without control characters")
            }
        }
        // Feishu accepts user ids of 1–500 characters. Without one, the id is looked up by email or mobile.
        if let userID = employee.feishuUserID {
            try Self.require("employee.feishu_user_id", userID, max: 500)
        } else if eventType == Self.hiredType, employee.email == nil, employee.mobile == nil {
            throw EventValidationError(
                field: "employee.feishu_user_id",
                problem: "is required unless employee.email or employee.mobile is sent to look the Feishu user up"
            )
        }
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

    /// An RFC 3339 date-time, with or without fractional seconds. The format style is a value parsed in Swift;
    /// an `ISO8601DateFormatter` made per event (ICU underneath) cost more than the rest of the intake.
    static func parseTimestamp(_ text: String) -> Date? {
        try? Date.ISO8601FormatStyle().parse(text)
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
