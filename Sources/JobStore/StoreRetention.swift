// StoreRetention: the store's contract for forgetting finished history, a small batch at a time.

public import Foundation

/// Finished history kept for its retention and then forgotten, in batches small enough that the one writer is
/// never held for long. Jobs themselves are kept: they are the address ledger (addresses are never handed out
/// again) and what an offboarding finds; what grows with retries and deliveries goes.
public protocol StoreRetention: Sendable {
    /// Deletes at most `limit` rows of history older than `date`: the attempts of final jobs, and callbacks
    /// delivered or dead (with their bodies). Returns how many it deleted; fewer than `limit` means none is left.
    func purgeHistory(before date: Date, limit: Int) async throws -> Int
}
