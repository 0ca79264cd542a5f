// DirectoryReconciliation: the periodic pass that heals what Feishu's event delivery lost (it resends for ~7 h only).

import Foundation
import Logging
import ServiceLifecycle

/// Runs a ``DirectoryReconciler`` pass shortly after start and then every `interval`, until shutdown.
struct DirectoryReconciliation: Service {
    let reconciler: DirectoryReconciler
    let interval: Duration
    /// The first pass waits this long, so a restart loop does not walk the directory each time.
    let firstDelay: Duration
    /// Of several replicas, only the leader walks the directory.
    let leadership: Leadership?
    let metrics: HireBindMetrics
    let logger: Logger

    func run() async throws {
        var pause = firstDelay
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let wait = pause
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
            guard !Task.isShuttingDownGracefully, !Task.isCancelled else { return }
            pause = interval
            guard await leadership?.leads() ?? true else {
                logger.debug("directory reconciliation left to the leading replica", metadata: ["source": "\(reconciler.source)"])
                continue
            }
            do {
                let summary = try await reconciler.reconcile()
                metrics.reconciliation(outcome: "ok", queued: summary.queued.count, unbound: summary.unbound)
                logger.info(
                    "directory reconciled",
                    metadata: [
                        "source": "\(reconciler.source)", "queued": "\(summary.queued.count)", "already_bound": "\(summary.alreadyBound)",
                        "skipped": "\(summary.skipped.count)", "unbound": "\(summary.unbound)",
                    ])
                for skipped in summary.skipped.prefix(20) {
                    logger.notice("directory person not bound", metadata: ["open_id": "\(skipped.key)", "reason": "\(skipped.reason)"])
                }
            } catch {
                metrics.reconciliation(outcome: "error", queued: 0, unbound: 0)
                // Nothing is unbound after a failed walk: an incomplete read must not look like departures.
                logger.error("directory reconciliation failed; it runs again at the next interval", metadata: ["error": "\(error)"])
            }
        }
    }
}
