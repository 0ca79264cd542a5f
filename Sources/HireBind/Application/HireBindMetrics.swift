// HireBindMetrics: the service's Prometheus metrics, in a registry of its own.

import Foundation
import JobStore
public import Prometheus

/// The service's metrics, in a registry of its own (no process-wide bootstrap), served at `GET /metrics`.
public final class HireBindMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let userTokenUsableGauge: Gauge
    let userTokenExpiryGauge: Gauge
    let waitingForOperatorGauge: Gauge
    let storeCommitDuration: DurationHistogram
    let storeCommitWrites: ValueHistogram

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        userTokenUsableGauge = registry.makeGauge(
            name: "hirebind_feishu_user_token_usable",
            help: "1 while the stored Feishu user token can be used or refreshed; 0 means run `hirebind feishu login`."
        )
        userTokenExpiryGauge = registry.makeGauge(
            name: "hirebind_feishu_user_token_expires_at_seconds", help: "When the current user_access_token expires (Unix time)."
        )
        waitingForOperatorGauge = registry.makeGauge(
            name: "hirebind_feishu_waiting_for_operator", help: "1 while jobs wait for an operator to fix Feishu credentials or scopes."
        )
        storeCommitDuration = registry.makeDurationHistogram(
            name: "hirebind_store_commit_seconds",
            buckets: [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5)],
            help: "How long each group commit of the store took (on SQLite the disk's sync): every write of it waited that long."
        )
        storeCommitWrites = registry.makeValueHistogram(
            name: "hirebind_store_commit_writes", buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
            help: "How many writes (intakes, leases, settles) shared each group commit."
        )
        // Unknown until the first token is read or refreshed.
        userTokenUsableGauge.set(to: 1)
    }

    /// One group commit of the store (``JobStore/CommitObserving``).
    func storeCommit(_ commit: StoreCommit) {
        storeCommitDuration.record(commit.duration)
        storeCommitWrites.record(Double(commit.writes))
        if commit.failed {
            registry.makeCounter(name: "hirebind_store_commit_failures_total", help: "Group commits that failed (every write of them got an error).")
                .increment()
        }
    }

    /// 0 says an operator must log in again (`hirebind feishu login`).
    func userTokenUsable(_ usable: Bool, expiresAt: Date?) {
        userTokenUsableGauge.set(to: usable ? 1 : 0)
        if let expiresAt { userTokenExpiryGauge.set(to: expiresAt.timeIntervalSince1970) }
    }

    func tokenRefreshes(outcome: String) {
        registry.makeCounter(
            name: "hirebind_feishu_token_refreshes_total", labels: [("outcome", outcome)], help: "User token refreshes by outcome (ok, error, dead)."
        )
        .increment()
    }

    /// `outcome`: succeeded, failed, dead, retry, rate_limited, waiting.
    func jobSettled(kind: String, outcome: String) {
        registry.makeCounter(
            name: "hirebind_jobs_settled_total", labels: [("kind", kind), ("outcome", outcome)], help: "Job attempts by kind and outcome."
        )
        .increment()
    }

    /// A Feishu event received: `outcome` is accepted, duplicate, ignored (an event type hirebind does not act on,
    /// or a departure of someone never bound) or refused (a person who cannot be named).
    func feishuEvent(type: String, outcome: String) {
        registry.makeCounter(
            name: "hirebind_feishu_events_total", labels: [("event_type", type), ("outcome", outcome)],
            help: "Feishu event subscription deliveries by event type and outcome."
        ).increment()
    }

    /// A directory reconciliation pass: `outcome` ok or error, with the jobs it queued.
    func reconciliation(outcome: String, queued: Int, unbound: Int) {
        registry.makeCounter(
            name: "hirebind_directory_reconciliations_total", labels: [("outcome", outcome)], help: "Directory reconciliation passes."
        )
        .increment()
        registry.makeCounter(name: "hirebind_directory_reconciled_jobs_total", labels: [("kind", "bind")], help: "Jobs queued by reconciliation.")
            .increment(by: Int64(queued))
        registry.makeCounter(name: "hirebind_directory_reconciled_jobs_total", labels: [("kind", "unbind")], help: "Jobs queued by reconciliation.")
            .increment(by: Int64(unbound))
    }

    /// A mailbox directory check before a bind: `decision` confirmed, adopted, recheck, failed or operator.
    func mailboxCheck(mode: String, decision: MailboxGate.Decision) {
        let label =
            switch decision {
            case .proceed(_, let adopted): adopted ? "adopted" : "confirmed"
            case .recheck: "recheck"
            case .fail: "failed"
            case .waitForOperator: "operator"
            }
        registry.makeCounter(
            name: "hirebind_mailbox_checks_total", labels: [("mode", mode), ("decision", label)],
            help: "Mailbox directory checks before a bind, by mode and decision."
        ).increment()
    }

    /// A bind refused because the address is someone else's, the account is disabled, ambiguous or differs.
    func mailboxRefused(reason: String) {
        registry.makeCounter(
            name: "hirebind_mailbox_refusals_total", labels: [("reason", reason)],
            help: "Binds refused by the mailbox directory check (someone_else is a leak prevented)."
        ).increment()
    }

    /// A failed authentication: `listener` webhooks or admin, `reason` invalid_signature, invalid_token, unauthorized.
    func authFailure(listener: String, reason: String) {
        registry.makeCounter(
            name: "hirebind_auth_failures_total", labels: [("listener", listener), ("reason", reason)],
            help: "Failed webhook signature checks and admin logins, by listener and reason."
        ).increment()
    }

    /// A request refused with 429 because its client failed authentication too often.
    func authThrottled(listener: String) {
        registry.makeCounter(
            name: "hirebind_auth_throttled_total", labels: [("listener", listener)],
            help: "Requests refused because their client address failed authentication too often."
        ).increment()
    }

    /// Whether jobs are waiting for an operator to fix Feishu credentials.
    func waitingForOperator(_ waiting: Bool) {
        waitingForOperatorGauge.set(to: waiting ? 1 : 0)
    }

    /// The text exposition of every metric.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}
