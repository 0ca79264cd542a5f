// MappingSettings: a source's `map:` block: where each field of hirebind's event is found in the sender's JSON.

/// Where one field's value comes from: an ordered list of places (RFC 6901 JSON Pointers into the body, or
/// `header:NAME`), the first present wins, then the transforms. Written as one place (`/employee/id`), a list
/// (`[/work/email, /email]`) or an object with `from`, `join`, `split`, `constant` and `transform`.
public struct FieldMapping: Sendable, Codable, Equatable {
    public var from: [String]
    /// Joins every present value of `from` with this text, instead of taking the first.
    public var join: String?
    /// Takes one part of a full name written "Given Family": `given` (all but the last word) or `family` (the last).
    public var split: NamePart?
    /// The value when no place in `from` holds one (or the only value, without `from`).
    public var constant: String?
    /// Applied in order: `first` (the first item of a list), `lowercase`, `trim`.
    public var transform: [Transform]

    public enum NamePart: String, Sendable, Codable, Equatable {
        case given, family
    }

    public enum Transform: String, Sendable, Codable, Equatable {
        case first, lowercase, trim
    }

    public init(from: [String] = [], join: String? = nil, split: NamePart? = nil, constant: String? = nil, transform: [Transform] = []) {
        self.from = from
        self.join = join
        self.split = split
        self.constant = constant
        self.transform = transform
    }

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer().decode(String.self) {
            self.init(from: [single])
            return
        }
        if let list = try? decoder.singleValueContainer().decode([String].self) {
            self.init(from: list)
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let from: [String]
        if let one = try? c.decode(String.self, forKey: .from) { from = [one] } else { from = try c.value(.from, default: []) }
        let transform: [Transform]
        if let one = try? c.decode(Transform.self, forKey: .transform) {
            transform = [one]
        } else {
            transform = try c.value(.transform, default: [])
        }
        self.init(
            from: from, join: try c.decodeIfPresent(String.self, forKey: .join), split: try c.decodeIfPresent(NamePart.self, forKey: .split),
            constant: try c.decodeIfPresent(String.self, forKey: .constant), transform: transform)
    }

    enum CodingKeys: String, CodingKey {
        case from, join, split, constant, transform
    }
}

/// How the sender's event names map to hire, termination, or nothing.
public struct EventTypeMapping: Sendable, Codable, Equatable {
    /// Where the sender's event name is; without it every event is a hire.
    public var field: FieldMapping?
    /// The sender's names for a new hire (`employee.created`, `hire_candidate`).
    public var hire: [String]
    /// The sender's names for a leaver.
    public var termination: [String]

    public init(field: FieldMapping? = nil, hire: [String] = [], termination: [String] = []) {
        self.field = field
        self.hire = hire
        self.termination = termination
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let place = try FieldMapping(from: decoder)
        self.init(
            field: place.from.isEmpty && place.constant == nil ? nil : place, hire: try c.value(.hire, default: []),
            termination: try c.value(.termination, default: []))
    }

    public func encode(to encoder: any Encoder) throws {
        try field?.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(hire, forKey: .hire)
        try c.encode(termination, forKey: .termination)
    }

    enum CodingKeys: String, CodingKey {
        case hire, termination
    }
}

/// A source's `map:`: the sender's JSON to hirebind's event. Unmapped employee fields stay empty; the event id
/// falls back to a digest of the body and the time to the moment of receipt.
public struct MappingSettings: Sendable, Codable, Equatable {
    /// A JSON Pointer to a list whose items are one event each; every other place is then read from the item.
    public var each: String?
    public var eventID: FieldMapping?
    public var eventType: EventTypeMapping
    public var occurredAt: FieldMapping?
    public var callbackURL: FieldMapping?
    /// hirebind's employee fields (`employee_id`, `given_name`, `family_name`, `full_name`, `email`, …) to places.
    public var employee: [String: FieldMapping]

    public init(
        each: String? = nil, eventID: FieldMapping? = nil, eventType: EventTypeMapping = .init(), occurredAt: FieldMapping? = nil,
        callbackURL: FieldMapping? = nil,
        employee: [String: FieldMapping]
    ) {
        self.each = each
        self.eventID = eventID
        self.eventType = eventType
        self.occurredAt = occurredAt
        self.callbackURL = callbackURL
        self.employee = employee
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            each: try c.decodeIfPresent(String.self, forKey: .each),
            eventID: try c.decodeIfPresent(FieldMapping.self, forKey: .eventID),
            eventType: try c.value(.eventType, default: .init()),
            occurredAt: try c.decodeIfPresent(FieldMapping.self, forKey: .occurredAt),
            callbackURL: try c.decodeIfPresent(FieldMapping.self, forKey: .callbackURL),
            employee: try c.decode([String: FieldMapping].self, forKey: .employee))
    }

    enum CodingKeys: String, CodingKey {
        case each
        case eventID = "event_id"
        case eventType = "event_type"
        case occurredAt = "occurred_at"
        case callbackURL = "callback_url"
        case employee
    }
}
