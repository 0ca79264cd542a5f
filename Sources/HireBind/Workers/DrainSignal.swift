// DrainSignal: set when a graceful shutdown begins, so the intake answers 503 while workers finish.

public import ServiceLifecycle
import Synchronization

/// Set when a graceful shutdown begins. Placed last in the service group, it is the first service told to
/// stop: from then on the intake answers 503 with `Retry-After` while workers finish their jobs and the
/// server is still up to say so.
public final class DrainSignal: Service, Sendable {
    private let draining = Atomic(false)

    public init() {}

    public var isDraining: Bool {
        draining.load(ordering: .acquiring)
    }

    public func run() async throws {
        try? await gracefulShutdown()
        draining.store(true, ordering: .releasing)
    }
}
