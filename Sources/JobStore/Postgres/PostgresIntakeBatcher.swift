// PostgresIntakeBatcher: group commit on PostgreSQL: a replica's concurrent intakes in one statement, one round
// trip and one commit, each intake answered for itself.

import Foundation
import HireBindCore
import Logging
import PostgresNIO
import Synchronization

/// One intake as the batch function (`hirebind_intake`, schema version 2) takes it: JSON, snake_case, times in
/// microseconds since 2000-01-01 on the database's clock (``PostgresJobStore/send(_:client:clock:logger:)``).
struct PostgresIntake: Encodable, Sendable {
    enum Kind: String, Encodable, Sendable {
        case bind, unbind, read, refusal
    }
    var kind: Kind
    var jobID = UUID().uuidString.lowercased()
    var source: String
    var eventID: String
    var employeeID: String
    var receivedAt: Date
    var callbackURL: String?
    // A bind's fields.
    var feishuUserID: String?
    var lookupEmail: String?
    var lookupMobile: String?
    var exchangeAccount: String?
    var adminAccount: String?
    var userIDType: String?
    var namingTrace: String?
    var personName: String?
    var unlessBound: Bool?
    var reclaims: String?
    // A read's due time; a refusal's reason (JSON).
    var notBefore: Date?
    var failure: String?

    enum CodingKeys: String, CodingKey {
        case kind, source
        case jobID = "job_id", eventID = "event_id", employeeID = "employee_id", receivedAt = "received_at"
        case callbackURL = "callback_url", feishuUserID = "feishu_user_id", lookupEmail = "lookup_email"
        case lookupMobile = "lookup_mobile", exchangeAccount = "exchange_account", adminAccount = "admin_account"
        case userIDType = "user_id_type", namingTrace = "naming_trace", personName = "person_name"
        case unlessBound = "unless_bound", reclaims, notBefore = "not_before", failure
    }

    /// A time as the function reads it: postgres-nio's own encoding of a `Date`.
    static func microseconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince(Date(timeIntervalSince1970: 946_684_800)) * 1_000_000)
    }
}

extension PostgresJobStore {
    /// Sends one batch of intakes: one statement, autocommitted; its answers in the intakes' order.
    static func send(_ intakes: [PostgresIntake], client: PostgresClient, clock: PostgresClock, logger: Logger) async throws -> [PostgresIntakeAnswer] {
        let encoder = JSONEncoder()
        // Encoded once the clock is measured (the statement below measures it first when it is due).
        let rows = try await rows(
            try {
                encoder.dateEncodingStrategy = .custom { date, encoder in
                    var container = encoder.singleValueContainer()
                    try container.encode(PostgresIntake.microseconds(clock.database(date)))
                }
                let batch = String(decoding: try encoder.encode(intakes), as: UTF8.self)
                return "SELECT r_item, r_outcome, r_job_id, r_address, r_status FROM hirebind_intake(\(batch)::jsonb)"
            }(), client: client, clock: clock, logger: logger)
        var answers = [PostgresIntakeAnswer?](repeating: nil, count: intakes.count)
        for row in rows {
            let item = Int(try row.value("r_item", as: Int32.self))
            guard answers.indices.contains(item - 1) else { continue }
            answers[item - 1] = try answer(from: row)
        }
        let complete = answers.compactMap { $0 }
        guard complete.count == intakes.count else { throw PostgresBatchMismatch(sent: intakes.count, answered: complete.count) }
        return complete
    }

    private static func answer(from row: PostgresRandomAccessRow) throws -> PostgresIntakeAnswer {
        let outcome: String = try row.value("r_outcome")
        func receipt() throws -> JobReceipt {
            JobReceipt(
                jobID: try row.value("r_job_id"), exchangeAccount: try row.value("r_address"),
                status: JobStatus(rawValue: try row.value("r_status")) ?? .queued)
        }
        switch outcome {
        case "created": return .outcome(.created(try receipt()))
        case "duplicate": return .outcome(.duplicate(try receipt()))
        case "address_taken": return .outcome(.addressTaken(try row.value("r_address")))
        case "unknown_employee": return .unknownEmployee
        default: throw PostgresUnknownIntakeOutcome(outcome: outcome)
        }
    }
}

/// The batch function answered an outcome this build does not know (a newer schema's).
struct PostgresUnknownIntakeOutcome: Error, CustomStringConvertible {
    var outcome: String
    var description: String { "PostgreSQL's intake answered an unknown outcome \(outcome)" }
}

/// What the batch function answered for one intake.
enum PostgresIntakeAnswer: Sendable {
    case outcome(EnqueueOutcome)
    /// An unbind of a person with no bind job.
    case unknownEmployee
}

/// Commits a replica's concurrent intakes together. An intake waits in a queue; whoever finds no batch under way
/// starts one (``GroupCommitQueue``), which takes every intake waiting (up to 128), sends them in one statement
/// (`SELECT * FROM hirebind_intake($1)`, autocommitted: one round trip, one commit, one WAL flush), answers each,
/// and goes on while more wait.
///
/// - An intake's own outcome (a duplicate, an address held, an unknown person) is its answer alone.
/// - A statement that fails fails every intake of its batch: it was one transaction, and none of it committed.
///   Two exceptions: a deadlock or serialization failure (two replicas' batches crossing on one address) runs the
///   batch again; a statement the server refused for one intake's data runs the batch's intakes one by one, so
///   that the one fails alone.
/// - An intake is answered only after its batch's statement returned, so after its commit.
final class PostgresIntakeBatcher: Sendable {
    private struct Pending: Sendable {
        let intake: PostgresIntake
        let continuation: CheckedContinuation<PostgresIntakeAnswer, any Error>
    }

    /// Sends one batch: one statement, an answer for each intake by position (or it throws).
    typealias Send = @Sendable ([PostgresIntake]) async throws -> [PostgresIntakeAnswer]

    private let send: Send
    private let logger: Logger
    private let queue: GroupCommitQueue<Pending>

    /// Intakes sent and statements run so far: their ratio is the batching achieved.
    var statistics: (writes: Int, commits: Int) { queue.statistics }

    /// Tells `observer` of each batch's statement.
    func observe(_ observer: @escaping @Sendable (StoreCommit) -> Void) { queue.observe(observer) }

    init(maxBatch: Int = 128, logger: Logger, send: @escaping Send) {
        self.queue = GroupCommitQueue(maxBatch: maxBatch)
        self.logger = logger
        self.send = send
    }

    /// Takes `intake` into the next batch and returns its answer once that batch is committed.
    func submit(_ intake: PostgresIntake) async throws -> PostgresIntakeAnswer {
        try await withCheckedThrowingContinuation { continuation in
            // The batches' loop runs while intakes wait and ends when none does; it is not any one request's
            // (a request cancelled mid-batch must not cancel the others' commit).
            if queue.add(Pending(intake: intake, continuation: continuation)) { Task { await self.drain() } }
        }
    }

    /// Batches until none waits.
    private func drain() async {
        while true {
            let batch = queue.nextBatch()
            guard !batch.isEmpty else { return }
            await commit(batch)
        }
    }

    private func commit(_ batch: [Pending]) async {
        do {
            let answers = try await sendRetryingConflicts(batch.map(\.intake))
            for (pending, answer) in zip(batch, answers) { pending.continuation.resume(returning: answer) }
        } catch let error as PostgresStoreError where error.sqlState != nil && batch.count > 1 {
            // The server refused the statement, not the connection: find the intake it refused by sending each alone.
            logger.warning(
                "an intake batch was refused; sending its intakes one by one",
                metadata: ["intakes": "\(batch.count)", "error": "\(error)"])
            for pending in batch { await commit([pending]) }
        } catch {
            for pending in batch { pending.continuation.resume(throwing: error) }
        }
    }

    /// Two replicas' batches can wait for each other's uncommitted row (one address wanted by two people): the
    /// server ends one with a deadlock, rolled back whole, and it is sent again.
    private func sendRetryingConflicts(_ intakes: [PostgresIntake]) async throws -> [PostgresIntakeAnswer] {
        var attempt = 1
        while true {
            do {
                return try await queue.committing(intakes.count) { try await send(intakes) }
            } catch let error as PostgresStoreError where error.isTransactionConflict && attempt < 5 {
                attempt += 1
                logger.debug("an intake batch met another replica's; sending it again", metadata: ["sqlstate": "\(error.sqlState ?? "")"])
            }
        }
    }
}

/// The batch function answered a different number of intakes than it was sent: nothing can be told apart.
struct PostgresBatchMismatch: Error, CustomStringConvertible {
    var sent: Int
    var answered: Int
    var description: String { "the intake batch of \(sent) got \(answered) answers from PostgreSQL" }
}

extension PostgresStoreError {
    /// A deadlock (40P01) or serialization failure (40001): the transaction was rolled back and may simply run again.
    var isTransactionConflict: Bool { sqlState == "40P01" || sqlState == "40001" }
}
