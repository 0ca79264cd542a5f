// LeasingLoop: the one loop every queue's worker runs: lease, work (renewing the lease), wake on the doorbell, sleep when idle.

import Foundation
import Logging
import ServiceLifecycle

/// A queue worker's loop. It leases the next due item and hands it to the work, which settles it; while the work
/// runs, the lease is renewed every third of its length (when the queue renews). With nothing due it sleeps until
/// the next item falls due, at most `pollSeconds`, or until the doorbell rings (intake, a settled job, shutdown).
/// A leased item is always finished before the loop stops for a graceful shutdown.
struct LeasingLoop<Lease: Sendable>: Sendable {
    /// Names the queue in log lines ("job", "callback", "sync check").
    let name: String
    let doorbell: Doorbell
    let pollSeconds: Double
    let lease: @Sendable () async throws -> Lease?
    let nextDue: @Sendable () async throws -> Date?
    /// Extends a held lease; nil for queues whose leases outlast their work.
    let renewal: Renewal?
    let logger: Logger

    struct Renewal: Sendable {
        var leaseSeconds: Double
        var renew: @Sendable (Lease) async throws -> Void
    }

    /// Runs `workers` loops side by side until a graceful shutdown, which rings the doorbell so sleepers stop.
    func run(workers: Int = 1, _ work: @escaping @Sendable (Lease) async -> Void) async {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for _ in 0..<max(1, workers) {
                    group.addTask { await self.loop(work) }
                }
            }
        } onGracefulShutdown: {
            doorbell.ring()
        }
    }

    func loop(_ work: @Sendable (Lease) async -> Void) async {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let generation = doorbell.generation
            do {
                if let leased = try await lease() {
                    await withLeaseRenewed(leased) { await work(leased) }
                    continue
                }
            } catch is CancellationError {
                break
            } catch {
                logger.error("cannot lease a \(name)", metadata: ["error": "\(error)"])
            }
            await doorbell.wait(since: generation, upTo: await idleDuration())
        }
    }

    /// Until the next item falls due, at most `pollSeconds`: the doorbell wakes the loop for new work sooner.
    func idleDuration() async -> Duration {
        let due = (try? await nextDue())?.timeIntervalSinceNow ?? pollSeconds
        return .milliseconds(Int64(min(pollSeconds, max(0.01, due)) * 1000))
    }

    /// Runs `work` while renewing the lease every third of its length, so a slow call is not taken over.
    func withLeaseRenewed(_ leased: Lease, _ work: () async -> Void) async {
        guard let renewal else { return await work() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    do {
                        try await Task.sleep(for: .milliseconds(Int64(renewal.leaseSeconds * 1000 / 3)))
                        try await renewal.renew(leased)
                    } catch is CancellationError {
                        return
                    } catch {
                        logger.warning("cannot renew the \(name)'s lease", metadata: ["error": "\(error)"])
                        return
                    }
                }
            }
            await work()
            group.cancelAll()
        }
    }
}
