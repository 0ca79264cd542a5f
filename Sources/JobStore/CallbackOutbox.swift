// CallbackOutbox: the store's contract for results waiting to be posted to the HR system.

public import Foundation

/// Results waiting to be delivered, written with the outcome they report (``JobQueue/finishJob(_:outcome:attempt:callback:now:)``,
/// ``SyncCheckQueue/syncEnded(_:status:callback:now:)``) and leased to one deliverer at a time.
public protocol CallbackOutbox: Sendable {
    /// Leases the callback that is due first (pending and due, or delivering with an expired lease).
    func leaseCallback(for seconds: Double, now: Date) async throws -> CallbackDelivery?
    /// The receiver answered 2xx (`answer`, as the delivery history shows it: `HTTP 204`). Throws
    /// ``LeaseLostError`` when another deliverer holds it now.
    func callbackDelivered(_ delivery: CallbackDelivery, answer: String, now: Date) async throws
    /// Records a failed delivery: retried at `retryAt`, or dead when `retryAt` is nil. `error` is also the
    /// delivery history's entry.
    func callbackFailed(_ delivery: CallbackDelivery, error: String, retryAt: Date?, now: Date) async throws
    /// Queues a dead callback again, with a fresh age budget counted from `now`.
    func requeueCallback(id: Int64, now: Date) async throws -> RequeueOutcome
    /// The earliest time a pending callback or a delivery lease falls due.
    func nextCallbackDue() async throws -> Date?
}
