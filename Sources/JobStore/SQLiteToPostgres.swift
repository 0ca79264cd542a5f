// SQLiteToPostgres: moves an embedded store into PostgreSQL, row for row (`hirebind migrate --from sqlite:… --to postgres://…`).

import Foundation
import GRDB
import PostgresNIO

/// Copies every row that matters from a SQLite store into an empty PostgreSQL store: jobs (the address ledger
/// with them), intake records (the dedupe window), address reservations, attempts, callbacks with their
/// deliveries, sync looks and the Feishu token pair. It refuses a target that holds any job, copies in batches
/// (one transaction each, in the order the rows were written, so references always point back), and counts
/// every table on both sides at the end. The maintenance lead is not copied: it is claimed anew.
public struct SQLiteToPostgres: Sendable {
    /// How a column's SQLite value becomes PostgreSQL's.
    enum Kind: Sendable { case text, int, bool, time, bytes }

    struct Table: Sendable {
        var name: String
        var columns: [(name: String, kind: Kind)]
        /// The source's identity column is kept (others get PostgreSQL's own).
        var keepsIdentity = false
    }

    static let tables: [Table] = [
        Table(name: "jobs", columns: [
            ("id", .text), ("kind", .text), ("source", .text), ("event_id", .text), ("employee_id", .text), ("feishu_user_id", .text),
            ("lookup_email", .text), ("lookup_mobile", .text), ("exchange_account", .text), ("admin_account", .text),
            ("user_id_type", .text), ("callback_url", .text), ("naming_trace", .text), ("person_name", .text), ("status", .text),
            ("attempts", .int), ("next_attempt_at", .time), ("lease_token", .text), ("lease_expires_at", .time), ("binding_id", .text),
            ("sync_status", .text), ("last_error", .text), ("target_job_id", .text), ("sync_next_check_at", .time),
            ("sync_deadline", .time), ("sync_checks", .int), ("sync_lease_token", .text), ("sync_lease_expires_at", .time),
            ("outcome_unknown", .bool), ("callbacks_queued", .int), ("created_at", .time), ("updated_at", .time),
        ]),
        Table(name: "intakes", columns: [("source", .text), ("event_id", .text), ("job_id", .text), ("received_at", .time)]),
        Table(name: "mailboxes", columns: [("address", .text), ("job_id", .text), ("reserved_at", .time)]),
        Table(name: "job_attempts", columns: [
            ("job_id", .text), ("number", .int), ("started_at", .time), ("finished_at", .time), ("outcome", .text), ("failure", .text),
            ("log_id", .text),
        ]),
        Table(name: "callbacks", columns: [
            ("id", .int), ("job_id", .text), ("message_id", .text), ("url", .text), ("body", .bytes), ("status", .text), ("attempts", .int),
            ("next_attempt_at", .time), ("lease_token", .text), ("lease_expires_at", .time), ("last_error", .text), ("created_at", .time),
            ("delivered_at", .time),
        ], keepsIdentity: true),
        Table(name: "callback_deliveries", columns: [
            ("callback_id", .int), ("attempt", .int), ("at", .time), ("delivered", .bool), ("answer", .text),
        ]),
        Table(name: "sync_observations", columns: [("job_id", .text), ("seen_at", .time), ("sync_status", .text)]),
        Table(name: "feishu_user_token", columns: [
            ("id", .int), ("access_token", .text), ("access_expires_at", .time), ("refresh_token", .text), ("refresh_expires_at", .time),
            ("scope", .text), ("generation", .int), ("dead_reason", .text), ("refresh_holder", .text), ("refresh_held_until", .time),
            ("updated_at", .time),
        ]),
    ]

    /// Rows of one table copied so far, of how many.
    public struct Progress: Sendable {
        public var table: String
        public var copied: Int
        public var total: Int
    }

    /// Rows per table on both sides once the copy is done.
    public struct Count: Sendable, Hashable {
        public var table: String
        public var source: Int
        public var target: Int
    }

    public enum Refusal: Error, CustomStringConvertible {
        case targetNotEmpty(jobs: Int)
        case countsDiffer([Count])

        public var description: String {
            switch self {
            case .targetNotEmpty(let jobs):
                "the PostgreSQL database already holds \(jobs) job(s): a move goes into an empty database only (nothing was copied)"
            case .countsDiffer(let counts):
                "the counts differ after the copy: "
                    + counts.filter { $0.source != $0.target }.map { "\($0.table) \($0.source) → \($0.target)" }.joined(separator: ", ")
            }
        }
    }

    let source: SQLiteJobStore
    let target: PostgresJobStore
    static let batch = 500

    public init(from source: SQLiteJobStore, to target: PostgresJobStore) {
        self.source = source
        self.target = target
    }

    /// Copies everything, reporting each batch; returns the counts of both sides, which agree.
    @discardableResult
    public func run(progress: @Sendable (Progress) -> Void = { _ in }) async throws -> [Count] {
        let existing: Int = try await target.rows("SELECT COUNT(*)::bigint AS n FROM jobs").first?.value("n") ?? 0
        guard existing == 0 else { throw Refusal.targetNotEmpty(jobs: existing) }
        for table in Self.tables {
            try await copy(table, progress: progress)
        }
        // The identity continues after the copied ids.
        try await target.rows("SELECT setval(pg_get_serial_sequence('callbacks', 'id'), GREATEST((SELECT MAX(id) FROM callbacks), 1))")
        var counts: [Count] = []
        for table in Self.tables {
            let sourceCount = try await source.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table.name)") ?? 0 }
            let targetCount: Int = try await target.rows(PostgresQuery(unsafeSQL: "SELECT COUNT(*)::bigint AS n FROM \(table.name)")).first?.value("n") ?? 0
            counts.append(Count(table: table.name, source: sourceCount, target: targetCount))
        }
        guard counts.allSatisfy({ $0.source == $0.target }) else { throw Refusal.countsDiffer(counts) }
        return counts
    }

    func copy(_ table: Table, progress: @Sendable (Progress) -> Void) async throws {
        let names = table.columns.map(\.name)
        let total = try await source.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table.name)") ?? 0 }
        var lastRowID: Int64 = 0
        var copied = 0
        progress(Progress(table: table.name, copied: 0, total: total))
        while true {
            let after = lastRowID
            // GRDB's rows are not Sendable: the batch is read on this task (a one-off command, one reader).
            let rows = try source.pool.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT rowid AS hb_rowid, \(names.joined(separator: ", ")) FROM \(table.name) WHERE rowid > ? ORDER BY rowid LIMIT ?",
                    arguments: [after, Self.batch])
            }
            guard let last = rows.last else { break }
            lastRowID = last["hb_rowid"]
            var binds = PostgresBindings(capacity: rows.count * names.count)
            var tuples: [String] = []
            for row in rows {
                var placeholders: [String] = []
                for (name, kind) in table.columns {
                    let value: DatabaseValue = row[name]
                    try Self.append(value, as: kind, column: name, table: table.name, to: &binds)
                    placeholders.append("$\(binds.count)")
                }
                tuples.append("(" + placeholders.joined(separator: ", ") + ")")
            }
            let overriding = table.keepsIdentity ? " OVERRIDING SYSTEM VALUE" : ""
            _ = try await target.transaction { tx in
                try await tx.rows(
                    PostgresQuery(
                        unsafeSQL: "INSERT INTO \(table.name) (\(names.joined(separator: ", ")))\(overriding) VALUES \(tuples.joined(separator: ", "))",
                        binds: binds))
            }
            copied += rows.count
            progress(Progress(table: table.name, copied: copied, total: total))
        }
    }

    static func append(_ value: DatabaseValue, as kind: Kind, column: String, table: String, to binds: inout PostgresBindings) throws {
        if value.isNull { return binds.appendNull() }
        switch (kind, value.storage) {
        case (.text, .string(let text)): binds.append(text)
        case (.text, .blob(let data)): binds.append(String(decoding: data, as: UTF8.self))
        case (.int, .int64(let number)): binds.append(number)
        case (.bool, .int64(let number)): binds.append(number != 0)
        case (.time, .double(let seconds)): binds.append(Date(timeIntervalSince1970: seconds))
        case (.time, .int64(let seconds)): binds.append(Date(timeIntervalSince1970: Double(seconds)))
        case (.bytes, .blob(let data)): try binds.append(data)
        case (.bytes, .string(let text)): try binds.append(Data(text.utf8))
        default: throw CopyError(table: table, column: column, value: "\(value)")
        }
    }

    struct CopyError: Error, CustomStringConvertible {
        var table: String
        var column: String
        var value: String
        var description: String { "\(table).\(column): a value of an unexpected type (\(value.prefix(40))); nothing of this batch was copied" }
    }
}
