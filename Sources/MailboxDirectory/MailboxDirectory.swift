// MailboxDirectory: the seam to the directory that knows whose mailbox an address is (Graph, LDAP).

/// A directory of Exchange mailboxes: Microsoft Graph for Exchange Online, LDAP for Active Directory.
/// hirebind asks it, before a binding, which account is the person's and who holds an address.
public protocol MailboxDirectory: Sendable {
    /// What the directory is, for traces and logs (`graph`, `ldap`).
    var kind: String { get }
    /// The attribute people are matched by (`employeeId`, `(employeeID={employee_id})`), for traces.
    var identityAttribute: String { get }

    /// The accounts whose identity attribute is `identity`: none, one, or (a directory fault) several.
    func accounts(identity: String) async throws(MailboxDirectoryError) -> [MailboxRecord]

    /// The accounts holding `address` as their mail or one of their SMTP proxy addresses.
    func holders(of address: String) async throws(MailboxDirectoryError) -> [MailboxRecord]
}

/// Why a directory could not answer. Messages name the directory and the failure, never a secret.
public enum MailboxDirectoryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The directory asked hirebind to slow down (Graph's 429 with `Retry-After`, LDAP's busy).
    case throttled(retryAfter: Double?)
    /// Down, unreachable, timing out, or answering with a server error: ask again later.
    case unavailable(String)
    /// hirebind's own credentials were refused (the client secret, the bind password, a missing permission).
    case credentials(String)
    /// The directory refused the question itself (a bad filter, a search base that does not exist).
    case misconfigured(String)

    public var description: String {
        switch self {
        case .throttled(let after): "the directory is throttling hirebind" + (after.map { "; retry after \(Int($0.rounded(.up))) s" } ?? "")
        case .unavailable(let reason): "the directory is unavailable: \(reason)"
        case .credentials(let reason): "the directory refused hirebind's credentials: \(reason)"
        case .misconfigured(let reason): "the directory refused the query: \(reason)"
        }
    }
}
