// MailboxRecord: one account as a mailbox directory answers it: its addresses, its owner's identity, enabled or not.

/// An account a mailbox directory holds (an Entra ID user, an Active Directory person), with what hirebind
/// needs to tell whose mailbox an address is.
public struct MailboxRecord: Sendable, Hashable, Codable {
    /// The directory's own id: Graph's object id, or the LDAP entry's DN.
    public var id: String
    /// The value of the identity attribute (`employeeId`, `employeeID`, …), nil when the account has none.
    public var identity: String?
    public var mail: String?
    /// Exchange's `proxyAddresses`: `SMTP:` marks the primary address, `smtp:` an alias; other types (`X500:`,
    /// `SIP:`) are no mailbox addresses.
    public var proxyAddresses: [String]
    public var userPrincipalName: String?
    public var enabled: Bool

    public init(
        id: String, identity: String?, mail: String?, proxyAddresses: [String] = [], userPrincipalName: String? = nil, enabled: Bool = true
    ) {
        self.id = id
        self.identity = identity
        self.mail = mail
        self.proxyAddresses = proxyAddresses
        self.userPrincipalName = userPrincipalName
        self.enabled = enabled
    }

    /// The address mail is delivered to: the `SMTP:` proxy address, else `mail`.
    public var primaryAddress: String? {
        if let primary = proxyAddresses.first(where: { $0.hasPrefix("SMTP:") }) { return String(primary.dropFirst(5)) }
        return mail.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Every SMTP address of the mailbox, lowercased: `mail` and each `smtp:` proxy address.
    public var smtpAddresses: Set<String> {
        var addresses: Set<String> = []
        if let mail, !mail.isEmpty { addresses.insert(mail.lowercased()) }
        for proxy in proxyAddresses where proxy.lowercased().hasPrefix("smtp:") {
            addresses.insert(String(proxy.dropFirst(5)).lowercased())
        }
        return addresses
    }

    /// Whether `address` is one of the mailbox's SMTP addresses (case-insensitive).
    public func holds(_ address: String) -> Bool { smtpAddresses.contains(address.lowercased()) }

    enum CodingKeys: String, CodingKey {
        case id, identity, mail, enabled
        case proxyAddresses = "proxy_addresses"
        case userPrincipalName = "user_principal_name"
    }
}
