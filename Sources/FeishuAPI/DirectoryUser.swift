// DirectoryUser: a person as Feishu's contact v3 directory gives them, in events and in reads.

/// A person as the contact v3 directory events and reads carry them. Each field arrives only when the app holds its field
/// scope, so all are optional.
public struct DirectoryUser: Decodable, Sendable, Hashable {
    public var openID: String?
    public var unionID: String?
    public var userID: String?
    public var name: String?
    public var enName: String?
    public var nickname: String?
    public var email: String?
    public var enterpriseEmail: String?
    public var mobile: String?
    public var departmentIDs: [String]?
    public var employeeNo: String?
    public var employeeType: Int?
    public var city: String?
    public var country: String?
    public var status: Status?

    /// Whether the person works at the tenant: not resigned, not exited.
    public struct Status: Decodable, Sendable, Hashable {
        public var isResigned: Bool?
        public var isExited: Bool?

        enum CodingKeys: String, CodingKey {
            case isResigned = "is_resigned"
            case isExited = "is_exited"
        }
    }

    /// In the directory and not gone: resigned or exited people are not bound.
    public var isActive: Bool { status?.isResigned != true && status?.isExited != true }

    enum CodingKeys: String, CodingKey {
        case name, nickname, email, mobile, city, country, status
        case openID = "open_id"
        case unionID = "union_id"
        case userID = "user_id"
        case enName = "en_name"
        case enterpriseEmail = "enterprise_email"
        case departmentIDs = "department_ids"
        case employeeNo = "employee_no"
        case employeeType = "employee_type"
    }

    /// The scope that makes Feishu send each id type.
    public static let idScopes = [
        "open_id": "contact:user.base:readonly", "union_id": "contact:user.base:readonly", "user_id": "contact:user.employee_id:readonly",
    ]

    /// Feishu's `employee_type` codes, by the names rule sets match (`when.employment_type`).
    public static let employeeTypes = [1: "regular", 2: "intern", 3: "outsourced", 4: "labour", 5: "consultant"]

    public func id(ofType type: String) -> String? {
        switch type {
        case "union_id": unionID
        case "user_id": userID
        default: openID
        }
    }
}

/// A page of the directory: `find_by_department`'s people or a department's children.
public struct DirectoryPage<Item: Decodable & Sendable>: Decodable, Sendable {
    public var items: [Item]
    public var hasMore: Bool
    public var pageToken: String?

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        items = try c.decodeIfPresent([Item].self, forKey: .items) ?? []
        hasMore = try c.decodeIfPresent(Bool.self, forKey: .hasMore) ?? false
        pageToken = try c.decodeIfPresent(String.self, forKey: .pageToken)
    }

    enum CodingKeys: String, CodingKey {
        case items
        case hasMore = "has_more"
        case pageToken = "page_token"
    }
}

/// A department as `departments/{id}/children` lists it.
public struct DirectoryDepartment: Decodable, Sendable, Hashable {
    public var openDepartmentID: String
    public var name: String?

    enum CodingKeys: String, CodingKey {
        case name
        case openDepartmentID = "open_department_id"
    }
}
