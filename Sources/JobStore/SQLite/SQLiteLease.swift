// SQLiteLease: the one statement every queue leases with: claim the first due row, in one UPDATE.

import Foundation
import GRDB

/// A lease being taken: a fresh token and its expiry. ``claim(_:table:set:due:order:)`` is the single
/// statement the job, callback and sync queues share: the first due row is claimed in one `UPDATE … RETURNING`,
/// so two workers never hold the same row.
struct SQLiteLease {
    let token = UUID().uuidString
    let now: Double
    let until: Date

    init(now: Date, seconds: Double) {
        self.now = now.timeIntervalSince1970
        self.until = now.addingTimeInterval(seconds)
    }

    /// Claims the first row of `table` that is `due`, in `order`. `set` and `due` may use `:token`, `:until` and `:now`.
    func claim(_ db: Database, table: String, set: String, due: String, order: String) throws -> Row? {
        try Row.fetchOne(
            db,
            sql: "UPDATE \(table) SET \(set) WHERE id = (SELECT id FROM \(table) WHERE \(due) ORDER BY \(order) LIMIT 1) RETURNING *",
            arguments: ["token": token, "until": until.timeIntervalSince1970, "now": now]
        )
    }
}
