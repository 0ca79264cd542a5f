// PersonName: an employee's name as sent, split into parts when sent whole.

/// An employee's name as the HR system sends it, with what the naming rules may use.
public struct PersonName: Sendable, Hashable, Codable {
    public var given: String
    public var family: String
    public var middle: String?
    /// The name the person goes by, when it differs from the legal given name.
    public var preferredGiven: String?
    /// The whole name in one field (张伟, 欧阳娜娜, "Ana María López"), split when `given`/`family` are empty.
    public var fullName: String?
    /// Romanised parts the HR system already holds; required for Japanese kanji names.
    public var romanizedGiven: String?
    public var romanizedFamily: String?
    /// A mailbox address the HR system already assigned (e.g. the work email).
    public var requestedAddress: String?

    public init(
        given: String, family: String, middle: String? = nil, preferredGiven: String? = nil, fullName: String? = nil,
        romanizedGiven: String? = nil, romanizedFamily: String? = nil, requestedAddress: String? = nil
    ) {
        self.given = given
        self.family = family
        self.middle = middle
        self.preferredGiven = preferredGiven
        self.fullName = fullName
        self.romanizedGiven = romanizedGiven
        self.romanizedFamily = romanizedFamily
        self.requestedAddress = requestedAddress
    }
}

/// The employee attributes rule sets are chosen by.
public struct EmployeeAttributes: Sendable, Hashable, Codable {
    public var company: String?
    public var department: String?
    public var location: String?
    public var employmentType: String?

    public init(company: String? = nil, department: String? = nil, location: String? = nil, employmentType: String? = nil) {
        self.company = company
        self.department = department
        self.location = location
        self.employmentType = employmentType
    }
}
