// Housekeeper: forgets event ids older than the dedupe window, at start and then hourly.

import Foundation
public import JobStore
public import Logging
public import ServiceLifecycle

/// Forgets event ids older than the dedupe window, once at start and then every `interval`.
public struct Housekeeper: Service {
    let store: any IntakeLedger
    let dedupeDays: Double
    let interval: Duration
    let logger: Logger

    public init(store: any IntakeLedger, dedupeDays: Double, interval: Duration = .seconds(3600), logger: Logger) {
        self.store = store
        self.dedupeDays = dedupeDays
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully {
            do {
                let removed = try await store.purgeIntakes(receivedBefore: Date().addingTimeInterval(-dedupeDays * 86_400))
                if removed > 0 { logger.info("forgot old event ids", metadata: ["count": "\(removed)", "older_than_days": "\(dedupeDays)"]) }
            } catch {
                logger.error("cannot purge old intake records", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
