// UserTokenStore: the store's contract for the tenant super admin's Feishu token pair and its refresh claim.

public import Foundation
public import HireBindCore

/// The token pair `hirebind feishu login` stored, and the claim that lets one refresher at a time (across
/// every process sharing the store) spend the single-use refresh token.
public protocol UserTokenStore: Sendable {
    /// The pair, if a login stored one.
    func userToken() async throws -> StoredUserToken?
    /// Stores a pair from a new login, replacing whatever was there (a dead pair included).
    func saveUserToken(_ pair: UserTokenPair, now: Date) async throws -> StoredUserToken
    /// Claims the right to refresh for `seconds`; returns the pair to refresh, or nil when another holder has the claim.
    func claimTokenRefresh(holder: String, for seconds: Double, now: Date) async throws -> StoredUserToken?
    /// Commits the rotated pair over `generation` and releases the claim; false when the claim was lost or
    /// another pair was stored meanwhile.
    func commitTokenRefresh(holder: String, generation: Int, pair: UserTokenPair, now: Date) async throws -> Bool
    /// Releases the claim without a new pair; `deadReason` marks the refresh token unusable.
    func releaseTokenRefresh(holder: String, deadReason: String?) async throws
}
