// LeaderElection: the store's contract for choosing the one replica that runs maintenance.

public import Foundation

/// Maintenance that must not run on several replicas at once (the housekeeping purges, the directory
/// reconciliation) runs on the leader: the holder of one row with an expiry, on the store's clock. The leader
/// renews its claim well before it expires; a leader that dies stops renewing, and another replica takes over
/// once the claim has expired.
public protocol LeaderElection: Sendable {
    /// Takes leadership for `seconds` when nobody holds it or the holder's claim has expired, or extends it when
    /// `holder` already leads. True when `holder` leads afterwards.
    func claimLeadership(holder: String, for seconds: Double, now: Date) async throws -> Bool
    /// Gives leadership up at once (a replica stopping), when `holder` has it, so another can take over.
    func resignLeadership(holder: String) async throws
}
