// FeishuEventEnvelope: what Feishu's event subscription posts: the URL challenge, or a schema 2.0 event.

import Foundation
import HireBindCore

/// A decrypted (or plain) request body of Feishu's event subscription.
struct FeishuEventEnvelope: Decodable {
    struct Header: Decodable {
        var eventID: String
        var eventType: String
        /// Milliseconds since 1970, as a string.
        var createTime: String?
        var token: String?
        var appID: String?
        var tenantKey: String?

        enum CodingKeys: String, CodingKey {
            case token
            case eventID = "event_id"
            case eventType = "event_type"
            case createTime = "create_time"
            case appID = "app_id"
            case tenantKey = "tenant_key"
        }
    }

    var schema: String?
    var header: Header?
    var event: JSONValue?
    /// `url_verification` for the challenge; `event_callback` for a legacy 1.0 event.
    var type: String?
    /// The challenge's (and a 1.0 event's) Verification Token.
    var token: String?
    var challenge: String?
    /// A legacy 1.0 event's id.
    var uuid: String?
    /// An encrypted body: base64 of IV ‖ AES-256-CBC ciphertext.
    var encrypt: String?
}

/// A person as the contact v3 directory events carry them. Each field arrives only when the app holds its field
/// scope, so all are optional.
struct DirectoryUser: Decodable, Sendable {
    var openID: String?
    var unionID: String?
    var userID: String?
    var name: String?
    var enName: String?
    var nickname: String?
    var email: String?
    var enterpriseEmail: String?
    var mobile: String?
    var departmentIDs: [String]?
    var employeeNo: String?
    var employeeType: Int?
    var city: String?
    var country: String?

    enum CodingKeys: String, CodingKey {
        case name, nickname, email, mobile, city, country
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
    static let idScopes = [
        "open_id": "contact:user.base:readonly", "union_id": "contact:user.base:readonly", "user_id": "contact:user.employee_id:readonly",
    ]

    /// Feishu's `employee_type` codes, by the names rule sets match (`when.employment_type`).
    static let employeeTypes = [1: "regular", 2: "intern", 3: "outsourced", 4: "labour", 5: "consultant"]

    func id(ofType type: String) -> String? {
        switch type {
        case "union_id": unionID
        case "user_id": userID
        default: openID
        }
    }
}

/// `event` of `contact.user.created_v3`, `updated_v3` and `deleted_v3`.
struct DirectoryUserEvent: Decodable {
    var object: DirectoryUser
}
