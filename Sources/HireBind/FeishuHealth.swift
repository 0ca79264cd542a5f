import HireBindCore
import Synchronization

/// Whether Feishu accepts hirebind's own credentials; `/readyz` reports the problem while it lasts.
public final class FeishuHealth: Sendable {
    private let problem = Mutex<JobFailure?>(nil)

    public init() {}

    /// The credential failure an operator must fix, or nil.
    public var operatorAttention: JobFailure? {
        problem.withLock { $0 }
    }

    func needOperator(_ failure: JobFailure) {
        problem.withLock { $0 = failure }
    }

    func credentialsWork() {
        problem.withLock { $0 = nil }
    }
}
