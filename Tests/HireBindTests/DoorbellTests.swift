// DoorbellTests: the doorbell wakes waiters and loses no ring.

import HireBind
import HireBindCore
import HireBindTesting
import Secrets
import Testing

@Suite struct DoorbellTests {
    @Test func ringWakesAWaiter() async {
        let bell = Doorbell()
        let generation = bell.generation
        let start = ContinuousClock.now
        async let waited: Void = bell.wait(since: generation, upTo: .seconds(60))
        try? await Task.sleep(for: .milliseconds(50))
        bell.ring()
        await waited
        #expect(ContinuousClock.now - start < .seconds(30), "the ring must end the wait, not its 60 s limit")
    }

    @Test func ringBeforeTheWaitIsNotLost() async {
        let bell = Doorbell()
        let generation = bell.generation
        bell.ring()
        let start = ContinuousClock.now
        await bell.wait(since: generation, upTo: .seconds(60))
        #expect(ContinuousClock.now - start < .seconds(30))
    }

    @Test func waitEndsAtItsLimit() async {
        let bell = Doorbell()
        let start = ContinuousClock.now
        await bell.wait(since: bell.generation, upTo: .milliseconds(100))
        #expect(ContinuousClock.now - start >= .milliseconds(100))
    }

    @Test func cancellationEndsTheWait() async {
        let bell = Doorbell()
        let task = Task { await bell.wait(since: bell.generation, upTo: .seconds(60)) }
        try? await Task.sleep(for: .milliseconds(50))
        task.cancel()
        let start = ContinuousClock.now
        await task.value
        #expect(ContinuousClock.now - start < .seconds(30))
    }

    @Test func manyWaitersAllWake() async {
        let bell = Doorbell()
        let generation = bell.generation
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask { await bell.wait(since: generation, upTo: .seconds(60)) }
            }
            try? await Task.sleep(for: .milliseconds(100))
            bell.ring()
        }
    }
}
