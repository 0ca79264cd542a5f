// DrainTests: a graceful shutdown, driven by swift-service-lifecycle's test kit: intake drains, leased work finishes.

import Foundation
import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import Synchronization
import Testing

@testable import HireBind

@Suite struct DrainTests {
    @Test func theDrainSignalTurnsOnWhenTheShutdownBegins() async throws {
        let drain = DrainSignal()
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await drain.run() }
                try await Task.sleep(for: .milliseconds(50))
                #expect(!drain.isDraining)
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(drain.isDraining)
    }

    /// Items handed out by a lease, counting how many were taken and finished.
    final class Queue: Sendable {
        let state = Mutex((left: 5, leased: 0, finished: 0))

        func lease() -> Int? {
            state.withLock { state in
                guard state.left > 0 else { return nil }
                state.left -= 1
                state.leased += 1
                return state.leased
            }
        }

        func finish() { state.withLock { $0.finished += 1 } }
    }

    @Test func aLeasedItemIsFinishedAndNoOtherIsTakenAfterTheShutdownBegins() async throws {
        let queue = Queue()
        let started = Doorbell()
        let loop = LeasingLoop<Int>(
            name: "test item", doorbell: Doorbell(), pollSeconds: 0.05, lease: { queue.lease() }, nextDue: { nil }, renewal: nil,
            logger: Logger(label: "drain-test")
        )
        await testGracefulShutdown { trigger in
            await withTaskGroup(of: Void.self) { group in
                // Read before the loop starts: a loaded machine may run it (and ring) before this line otherwise.
                let generation = started.generation
                group.addTask {
                    await loop.run { _ in
                        started.ring()
                        // The item is in hand until the shutdown has reached the loop (however loaded the machine).
                        let deadline = ContinuousClock.now + .seconds(5)
                        while !Task.isShuttingDownGracefully, ContinuousClock.now < deadline {
                            try? await Task.sleep(for: .milliseconds(10))
                        }
                        try? await Task.sleep(for: .milliseconds(50))
                        queue.finish()
                    }
                }
                await started.wait(since: generation, upTo: .seconds(5))
                trigger.triggerGracefulShutdown()
                await group.waitForAll()
            }
        }
        let state = queue.state.withLock { $0 }
        #expect(state.leased == 1)
        #expect(state.finished == 1)
    }

    @Test func leasesAreRenewedWhileTheWorkRuns() async throws {
        let renewals = Mutex(0)
        let loop = LeasingLoop<Int>(
            name: "test item", doorbell: Doorbell(), pollSeconds: 0.05, lease: { 1 }, nextDue: { nil },
            renewal: .init(leaseSeconds: 0.15) { _ in renewals.withLock { $0 += 1 } }, logger: Logger(label: "drain-test")
        )
        // The work runs until the lease was renewed three times (or 10 s pass, however loaded the machine).
        let deadline = ContinuousClock.now + .seconds(10)
        await loop.withLeaseRenewed(1) {
            while renewals.withLock({ $0 }) < 3, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        #expect(renewals.withLock { $0 } >= 3)
        // Renewal stops with the work.
        let after = renewals.withLock { $0 }
        try await Task.sleep(for: .milliseconds(200))
        #expect(renewals.withLock { $0 } == after)
    }
}
