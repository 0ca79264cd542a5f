// PostgresRows: the jobs table's rows as BindJob values, columns by name, and JSON text columns as values.

import Foundation
import HireBindCore
import PostgresNIO

extension PostgresRandomAccessRow {
    /// The column's value (an optional type reads NULL as nil).
    func value<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try self[column].decode(T.self)
    }
}

enum PostgresRows {
    static func job(from row: PostgresRandomAccessRow) throws -> BindJob {
        BindJob(
            id: try row.value("id"), kind: JobKind(rawValue: try row.value("kind")) ?? .bind, source: try row.value("source"),
            eventID: try row.value("event_id"), employeeID: try row.value("employee_id"), feishuUserID: try row.value("feishu_user_id"),
            lookupEmail: try row.value("lookup_email"), lookupMobile: try row.value("lookup_mobile"),
            exchangeAccount: try row.value("exchange_account"), adminAccount: try row.value("admin_account"),
            userIDType: try row.value("user_id_type"), callbackURL: try row.value("callback_url"),
            status: JobStatus(rawValue: try row.value("status")) ?? .queued, attempts: try row.value("attempts"),
            bindingID: try row.value("binding_id"), syncStatus: try row.value("sync_status"),
            followingSync: try row.value("sync_next_check_at", as: Date?.self) != nil, targetJobID: try row.value("target_job_id"),
            outcomeUnknown: try row.value("outcome_unknown"), callbacksQueued: try row.value("callbacks_queued"),
            lastError: try decode(JobFailure.self, try row.value("last_error")),
            namingTrace: try decode(JSONValue.self, try row.value("naming_trace")),
            receivedAt: try row.value("created_at", as: Date.self), personName: try row.value("person_name")
        )
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String?) throws -> T? {
        guard let text, text != "null" else { return nil }
        return try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }

    static func json(_ value: (some Encodable)?) throws -> String? {
        guard let value else { return nil }
        return String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }
}
