// ExchangeBinding: the exchange binding request and answer bodies, and the derived binding id.

import Foundation

/// Body of `POST /open-apis/calendar/v4/exchange_bindings`.
public struct ExchangeBindingRequest: Sendable, Hashable, Codable {
    public var adminAccount: String
    public var exchangeAccount: String
    public var userID: String

    public init(adminAccount: String, exchangeAccount: String, userID: String) {
        self.adminAccount = adminAccount
        self.exchangeAccount = exchangeAccount
        self.userID = userID
    }

    enum CodingKeys: String, CodingKey {
        case adminAccount = "admin_account"
        case exchangeAccount = "exchange_account"
        case userID = "user_id"
    }
}

/// The `exchange_binding` object Feishu returns.
public struct ExchangeBinding: Sendable, Hashable, Codable {
    public var adminAccount: String?
    public var exchangeAccount: String?
    public var userID: String?
    /// `doing`, `cal_done`, `timespan_done`, `done` or `err`.
    public var status: String?
    public var exchangeBindingID: String

    public init(adminAccount: String?, exchangeAccount: String?, userID: String?, status: String?, exchangeBindingID: String) {
        self.adminAccount = adminAccount
        self.exchangeAccount = exchangeAccount
        self.userID = userID
        self.status = status
        self.exchangeBindingID = exchangeBindingID
    }

    /// The id Feishu's example shows: base64 of `"{admin_account} {exchange_account}"`. The format is not
    /// documented: use it only to look up a create whose answer was lost, and store the id create returns.
    public static func derivedID(adminAccount: String, exchangeAccount: String) -> String {
        Data("\(adminAccount) \(exchangeAccount)".utf8).base64EncodedString()
    }

    enum CodingKeys: String, CodingKey {
        case adminAccount = "admin_account"
        case exchangeAccount = "exchange_account"
        case userID = "user_id"
        case status
        case exchangeBindingID = "exchange_binding_id"
    }
}

/// Feishu's response envelope.
struct FeishuEnvelope<Payload: Decodable>: Decodable {
    var code: Int
    var msg: String?
    var data: Payload?
}

/// A successful answer and the log id Feishu support asks for.
public struct FeishuAnswer<Value: Sendable>: Sendable {
    public var value: Value
    public var logID: String?
}

/// The empty `data` of an answer that carries nothing (delete).
public struct EmptyPayload: Sendable, Hashable, Decodable {}

/// Body of `POST /open-apis/contact/v3/users/batch_get_id`.
struct UserIDLookupRequest: Encodable {
    var emails: [String]
    var mobiles: [String]
    var includeResigned: Bool

    enum CodingKeys: String, CodingKey {
        case emails, mobiles
        case includeResigned = "include_resigned"
    }
}

/// What `batch_get_id` answers: one entry per email or mobile asked for.
public struct UserIDLookup: Sendable, Hashable, Decodable {
    public struct Entry: Sendable, Hashable, Decodable {
        /// Absent when no user of the tenant has this email or mobile.
        public var userID: String?
        public var email: String?
        public var mobile: String?

        enum CodingKeys: String, CodingKey {
            case userID = "user_id"
            case email, mobile
        }
    }

    public var userList: [Entry]

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        userList = try c.decodeIfPresent([Entry].self, forKey: .userList) ?? []
    }

    enum CodingKeys: String, CodingKey {
        case userList = "user_list"
    }
}
