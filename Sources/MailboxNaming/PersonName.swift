/// The parts of an employee's name as the HR system sends them.
public struct PersonName: Sendable, Hashable, Codable {
    public var given: String
    public var family: String

    public init(given: String, family: String) {
        self.given = given
        self.family = family
    }
}
