// FeishuEventEnvelope: what Feishu's event subscription posts: the URL challenge, or a schema 2.0 event.

import FeishuAPI
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

/// `event` of `contact.user.created_v3`, `updated_v3` and `deleted_v3`.
struct DirectoryUserEvent: Decodable {
    var object: DirectoryUser
}
