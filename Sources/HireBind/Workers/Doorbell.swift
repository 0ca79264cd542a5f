// Doorbell: wakes sleeping workers when there is new work.

import Synchronization

/// Wakes sleeping workers when there is new work, instead of a tight polling loop.
///
/// A worker reads ``generation`` before it looks for work and passes it to ``wait(since:upTo:)``: a ring
/// between the look and the wait is not lost.
public final class Doorbell: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>?] = [:]
        var fired: Set<UInt64> = []
        var nextWaiter: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    public var generation: UInt64 {
        state.withLock { $0.generation }
    }

    /// Wakes every waiter.
    public func ring() {
        let continuations = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.generation &+= 1
            var ready: [CheckedContinuation<Void, Never>] = []
            for (id, continuation) in state.waiters {
                state.fired.insert(id)
                if let continuation { ready.append(continuation) }
                state.waiters[id] = .some(nil)
            }
            return ready
        }
        for continuation in continuations { continuation.resume() }
    }

    /// Returns when rung after `generation`, after `duration`, or on cancellation, whichever comes first.
    public func wait(since generation: UInt64, upTo duration: Duration) async {
        let id: UInt64? = state.withLock { state in
            guard state.generation == generation else { return nil }
            state.nextWaiter &+= 1
            state.waiters[state.nextWaiter] = .some(nil)
            return state.nextWaiter
        }
        guard let id else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await Task.sleep(for: duration)
                self.fire(id)
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let resumeNow = state.withLock { state -> Bool in
                        if state.fired.contains(id) { return true }
                        state.waiters[id] = .some(continuation)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                self.fire(id)
            }
            group.cancelAll()
        }
        state.withLock { state in
            state.waiters[id] = nil
            state.fired.remove(id)
        }
    }

    private func fire(_ id: UInt64) {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let entry = state.waiters[id] else { return nil }
            state.fired.insert(id)
            state.waiters[id] = .some(nil)
            return entry
        }
        continuation?.resume()
    }
}
