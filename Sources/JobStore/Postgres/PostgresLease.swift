// PostgresLease: the one statement every queue leases with on PostgreSQL: claim the first due row, skipping locked ones.

import Foundation
import PostgresNIO

/// A lease being taken: a fresh token and its expiry. ``statement(table:set:from:)`` is the claim the job,
/// callback and sync queues share: each source's first due row is locked with `FOR UPDATE SKIP LOCKED` (a row
/// another replica is claiming at this instant is passed over, not waited for), the earliest of them is updated,
/// all in one `UPDATE … RETURNING` statement.
struct PostgresLease {
    let token = UUID().uuidString
    let now: Date
    let until: Date

    init(now: Date, seconds: Double) {
        self.now = now
        self.until = now.addingTimeInterval(seconds)
    }

    /// In a lease statement: the lease's expiry and now (both on the database's clock, ``PostgresClock``).
    static let until = "$2::timestamptz"
    static let now = "$3::timestamptz"

    /// Rows matching `due`, earliest `order` first; `due` and `order` are served by one partial index, so the
    /// first due row is an index probe however long the backlog. `$1` is the token; ``until`` and ``now`` are
    /// the expiry and now.
    struct Source {
        var due: String
        var order: String
    }

    static func statement(table: String, set: String, from sources: [Source]) -> String {
        let firsts = sources.enumerated().map { index, source in
            """
            first\(index) AS (SELECT id, \(source.order) AS due_at FROM \(table) WHERE \(source.due)
                ORDER BY \(source.order) LIMIT 1 FOR UPDATE SKIP LOCKED)
            """
        }
        let union = sources.indices.map { "SELECT id, due_at FROM first\($0)" }.joined(separator: " UNION ALL ")
        return """
            WITH \(firsts.joined(separator: ",\n")),
            chosen AS (SELECT id FROM (\(union)) AS due ORDER BY due_at LIMIT 1)
            UPDATE \(table) SET \(set) FROM chosen WHERE \(table).id = chosen.id RETURNING \(table).*
            """
    }

    func query(table: String, set: String, from sources: [Source], clock: PostgresClock) -> PostgresQuery {
        var binds = PostgresBindings(capacity: 3)
        binds.append(token)
        binds.append(clock.database(until))
        binds.append(clock.database(now))
        return PostgresQuery(unsafeSQL: Self.statement(table: table, set: set, from: sources), binds: binds)
    }
}
