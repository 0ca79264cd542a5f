// Housekeeper: forgets event ids older than the dedupe window and history older than its retention, in batches.

import Foundation
public import JobStore
public import Logging
public import ServiceLifecycle

/// Forgets event ids older than the dedupe window and finished history (attempts, delivered or dead callbacks)
/// older than `database.history_days`, once at start and then every `interval`, on the leading replica only. Each batch is its own short
/// transaction, with a pause between batches, so intakes and leases never wait long behind it.
public struct Housekeeper: Service {
    let store: any IntakeLedger & StoreRetention
    let dedupeDays: Double
    let historyDays: Double
    let interval: Duration
    /// Of several replicas, only the leader purges (nil: this one always does).
    let leadership: Leadership?
    let logger: Logger
    /// Rows per transaction.
    static let batch = 500

    private struct NotLeading: Error {}

    public init(
        store: any IntakeLedger & StoreRetention, dedupeDays: Double, historyDays: Double, interval: Duration = .seconds(3600),
        leadership: Leadership? = nil, logger: Logger
    ) {
        self.leadership = leadership
        self.store = store
        self.dedupeDays = dedupeDays
        self.historyDays = historyDays
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                guard await leadership?.leads() ?? true else { throw NotLeading() }
                let events = try await purge {
                    try await store.purgeIntakes(receivedBefore: Date().addingTimeInterval(-dedupeDays * 86_400), limit: $0)
                }
                if events > 0 { logger.info("forgot old event ids", metadata: ["count": "\(events)", "older_than_days": "\(dedupeDays)"]) }
                let history = try await purge { try await store.purgeHistory(before: Date().addingTimeInterval(-historyDays * 86_400), limit: $0) }
                if history > 0 { logger.info("forgot old history", metadata: ["rows": "\(history)", "older_than_days": "\(historyDays)"]) }
            } catch is NotLeading {
                logger.debug("housekeeping left to the leading replica")
            } catch is CancellationError {
                return
            } catch {
                logger.error("cannot purge old records", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// Runs `batch` until it deletes fewer rows than asked, pausing between batches; returns the rows deleted.
    func purge(_ batch: (Int) async throws -> Int) async throws -> Int {
        var total = 0
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let deleted = try await batch(Self.batch)
            total += deleted
            guard deleted == Self.batch else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        return total
    }
}
