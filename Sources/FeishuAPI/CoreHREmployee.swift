// CoreHREmployee: a person as Feishu People (CoreHR) `employees/batch_get` gives them, and the request.

/// One employee of `POST /open-apis/corehr/v2/employees/batch_get`. The answer's shape is read as this client
/// understands the field guide (*unconfirmed* against a live tenant): every field is optional.
public struct CoreHREmployee: Decodable, Sendable, Hashable {
    public var employmentID: String?
    /// The person's Feishu user id, of the `user_id_type` asked for.
    public var userID: String?
    public var workEmail: String?
    public var personInfo: PersonInfo?

    public struct PersonInfo: Decodable, Sendable, Hashable {
        public var nameList: [Name]?

        enum CodingKeys: String, CodingKey {
            case nameList = "name_list"
        }
    }

    /// A name as CoreHR keeps it: the whole name and, where split, family (`local_primary`) and given (`local_first_name`).
    public struct Name: Decodable, Sendable, Hashable {
        public var fullName: String?
        public var localPrimary: String?
        public var localFirstName: String?

        enum CodingKeys: String, CodingKey {
            case fullName = "full_name"
            case localPrimary = "local_primary"
            case localFirstName = "local_first_name"
        }
    }

    enum CodingKeys: String, CodingKey {
        case employmentID = "employment_id"
        case userID = "user_id"
        case workEmail = "work_email"
        case personInfo = "person_info"
    }
}

/// `data` of `employees/batch_get`.
public struct CoreHREmployees: Decodable, Sendable {
    public var items: [CoreHREmployee]

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        items = try c.decodeIfPresent([CoreHREmployee].self, forKey: .items) ?? []
    }

    enum CodingKeys: String, CodingKey { case items }
}

struct CoreHREmployeesRequest: Encodable {
    var employmentIDs: [String]
    var fields: [String]

    enum CodingKeys: String, CodingKey {
        case fields
        case employmentIDs = "employment_ids"
    }
}
