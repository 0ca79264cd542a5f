// SQLiteLease: the one statement every queue leases with: claim the first due row, in one UPDATE.

import Foundation
import GRDB

/// A lease being taken: a fresh token and its expiry. ``claim(_:table:set:from:)`` is the single statement the
/// job, callback and sync queues share: the first due row is claimed in one `UPDATE … RETURNING`, so two workers
/// never hold the same row.
struct SQLiteLease {
    let token = UUID().uuidString
    let now: Double
    let until: Date

    init(now: Date, seconds: Double) {
        self.now = now.timeIntervalSince1970
        self.until = now.addingTimeInterval(seconds)
    }

    /// Where due rows come from: rows matching `due`, earliest `order` first. `due` and `order` must be served by
    /// one index (equality on its leading columns, a range on the `order` column), so the first due row is found
    /// in O(log n) however many rows wait or are finished.
    struct Source {
        var due: String
        var order: String
    }

    /// The statement ``claim(_:table:set:from:)`` runs: each source's first due row (an index walk that stops at
    /// the first row), the earliest of them claimed. One `WHERE a OR b ORDER BY …` would make SQLite merge two
    /// indexes and sort every due row in a temporary B-tree: O(backlog) per lease.
    static func statement(table: String, set: String, from sources: [Source]) -> String {
        let firsts = sources.map { source in
            "SELECT * FROM (SELECT id, \(source.order) AS due_at FROM \(table) WHERE \(source.due) ORDER BY \(source.order) LIMIT 1)"
        }
        return """
            UPDATE \(table) SET \(set) WHERE id = (SELECT id FROM (\(firsts.joined(separator: " UNION ALL "))) ORDER BY due_at LIMIT 1) RETURNING *
            """
    }

    /// Claims the first due row of `table` from `sources`. `set` and the sources may use `:token`, `:until`, `:now`.
    func claim(_ db: Database, table: String, set: String, from sources: [Source]) throws -> Row? {
        try Row.fetchOne(db, sql: Self.statement(table: table, set: set, from: sources), arguments: arguments)
    }

    var arguments: StatementArguments { ["token": token, "until": until.timeIntervalSince1970, "now": now] }
}
