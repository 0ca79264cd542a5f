// SQLiteRows: turning the jobs table's rows into BindJob values, and JSON columns into values.

import Foundation
import GRDB
import HireBindCore

enum SQLiteRows {
    static func job(from row: Row) throws -> BindJob {
        BindJob(
            id: row["id"], kind: JobKind(rawValue: row["kind"]) ?? .bind, source: row["source"], eventID: row["event_id"],
            employeeID: row["employee_id"], feishuUserID: row["feishu_user_id"], lookupEmail: row["lookup_email"],
            lookupMobile: row["lookup_mobile"], exchangeAccount: row["exchange_account"], adminAccount: row["admin_account"],
            userIDType: row["user_id_type"], callbackURL: row["callback_url"],
            status: JobStatus(rawValue: row["status"]) ?? .queued, attempts: row["attempts"], bindingID: row["binding_id"],
            syncStatus: row["sync_status"], followingSync: (row["sync_next_check_at"] as Double?) != nil,
            targetJobID: row["target_job_id"], outcomeUnknown: row["outcome_unknown"], callbacksQueued: row["callbacks_queued"],
            lastError: try decode(JobFailure.self, row["last_error"]),
            namingTrace: try decode(JSONValue.self, row["naming_trace"]),
            receivedAt: (row["created_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
            personName: row["person_name"]
        )
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String?) throws -> T? {
        guard let text, text != "null" else { return nil }
        return try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}

extension SQLiteJobStore {
    static func json(_ value: (some Encodable)?) throws -> String? {
        guard let value else { return nil }
        return String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }
}
