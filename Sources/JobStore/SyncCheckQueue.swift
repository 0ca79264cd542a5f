// SyncCheckQueue: the store's contract for following new bindings' calendar sync.

public import Foundation

/// Bound jobs whose calendar sync is followed until it ends; each look is leased to one watcher.
public protocol SyncCheckQueue: Sendable {
    /// Leases the bound job whose sync is due to be looked at first.
    func leaseSyncCheck(for seconds: Double, now: Date) async throws -> SyncCheck?
    /// The sync goes on: record what was seen and look again at `nextCheckAt`.
    func syncContinues(_ check: SyncCheck, status: String?, nextCheckAt: Date, now: Date) async throws
    /// The sync ended (or was given up on): record the status and put `callback` in the outbox, in one transaction.
    func syncEnded(_ check: SyncCheck, status: String?, callback: OutboundCallback?, now: Date) async throws
    /// The earliest time a sync look falls due (or its lease expires).
    func nextSyncCheckDue() async throws -> Date?
}
