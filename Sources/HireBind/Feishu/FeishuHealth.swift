// FeishuHealth: whether Feishu accepts hirebind's own credentials, for /readyz and the operator gauge.

public import HireBindCore
import Synchronization

/// Whether Feishu accepts hirebind's own credentials; `/readyz` and `hirebind_feishu_waiting_for_operator`
/// report the problem while it lasts.
public final class FeishuHealth: Sendable {
    private let problem = Mutex<JobFailure?>(nil)
    private let metrics: HireBindMetrics?

    public init(metrics: HireBindMetrics? = nil) {
        self.metrics = metrics
    }

    /// The credential failure an operator must fix, or nil.
    public var operatorAttention: JobFailure? {
        problem.withLock { $0 }
    }

    func needOperator(_ failure: JobFailure) {
        problem.withLock { $0 = failure }
        metrics?.waitingForOperator(true)
    }

    func credentialsWork() {
        problem.withLock { $0 = nil }
        metrics?.waitingForOperator(false)
    }
}
