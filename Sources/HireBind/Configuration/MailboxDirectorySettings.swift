// MailboxDirectorySettings: `mailbox_directory:`, asking Exchange's directory whose mailbox an address is.

import Foundation
public import MailboxDirectory

/// The directory consulted after naming and before the Feishu call (Microsoft Graph or LDAP), and what its
/// answer decides, per rule set. Absent, hirebind is the naming authority and binds what it computed.
public struct MailboxDirectorySettings: Sendable, Codable {
    public enum Backend: String, Sendable, Codable {
        case graph, ldap
    }

    /// What the directory's answer decides.
    public enum Mode: String, Sendable, Codable, CaseIterable {
        /// The computed address must exist and be this person's; otherwise nothing is bound.
        case verify
        /// The directory's address for the person is bound; the computed one only when it is theirs too.
        case adopt
        /// hirebind is the naming authority: the computed address is bound without asking.
        case off
    }

    /// Which of the person's values the directory's identity attribute holds.
    public enum IdentitySource: String, Sendable, Codable {
        /// The event's `employee_id` (HR's; a Feishu directory source's is the person's `open_id`).
        case employeeID = "employee_id"
        /// The event's email (HR's `employee.email`; a Feishu directory source's `address_field`): pair it with
        /// Graph's `mail` or `userPrincipalName`, or an LDAP filter on `mail`.
        case email
    }

    public var backend: Backend?
    /// What the person is looked up by.
    public var identityFrom: IdentitySource
    /// The mode of rule sets not named in `rule_sets`.
    public var mode: Mode
    /// A mode per naming rule set, by its name.
    public var ruleSets: [String: Mode]
    /// How long a person without a mailbox is waited for (mailboxes are often made minutes or hours after the
    /// hire); then the job fails and the HR callback says why.
    public var waitForMailboxHours: Double
    /// Looks while waiting: a quarter of the time waited so far, within these bounds.
    public var recheckMinSeconds: Double
    public var recheckMaxSeconds: Double
    /// How soon a directory that is down or throttling without saying how long is asked again (no attempt used).
    public var unavailableRetrySeconds: Double
    public var graph: GraphSettings?
    public var ldap: LDAPSettings?

    public init(
        backend: Backend? = nil, identityFrom: IdentitySource = .employeeID, mode: Mode = .verify, ruleSets: [String: Mode] = [:],
        waitForMailboxHours: Double = 8,
        recheckMinSeconds: Double = 30, recheckMaxSeconds: Double = 900, unavailableRetrySeconds: Double = 30,
        graph: GraphSettings? = nil, ldap: LDAPSettings? = nil
    ) {
        self.backend = backend
        self.identityFrom = identityFrom
        self.mode = mode
        self.ruleSets = ruleSets
        self.waitForMailboxHours = waitForMailboxHours
        self.recheckMinSeconds = recheckMinSeconds
        self.recheckMaxSeconds = recheckMaxSeconds
        self.unavailableRetrySeconds = unavailableRetrySeconds
        self.graph = graph
        self.ldap = ldap
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        backend = try c.decodeIfPresent(Backend.self, forKey: .backend)
        identityFrom = try c.value(.identityFrom, default: defaults.identityFrom)
        mode = try c.value(.mode, default: defaults.mode)
        ruleSets = try c.value(.ruleSets, default: defaults.ruleSets)
        waitForMailboxHours = try c.value(.waitForMailboxHours, default: defaults.waitForMailboxHours)
        recheckMinSeconds = try c.value(.recheckMinSeconds, default: defaults.recheckMinSeconds)
        recheckMaxSeconds = try c.value(.recheckMaxSeconds, default: defaults.recheckMaxSeconds)
        unavailableRetrySeconds = try c.value(.unavailableRetrySeconds, default: defaults.unavailableRetrySeconds)
        graph = try c.decodeIfPresent(GraphSettings.self, forKey: .graph)
        ldap = try c.decodeIfPresent(LDAPSettings.self, forKey: .ldap)
    }

    /// The mode a rule set's jobs are checked in; `off` for every rule set when no backend is configured.
    public func mode(forRuleSet name: String?) -> Mode {
        guard backend != nil else { return .off }
        return name.flatMap { ruleSets[$0] } ?? mode
    }

    /// The section's own checks; `ruleSetNames` are the naming rule sets' names.
    func validate(ruleSetNames: Set<String>) throws(ConfigurationError) {
        for name in ruleSets.keys.sorted() where !ruleSetNames.contains(name) {
            throw ConfigurationError(
                key: "mailbox_directory.rule_sets.\(name)",
                "no naming rule set is called \(name) (they are \(ruleSetNames.sorted().joined(separator: ", ")))")
        }
        guard waitForMailboxHours > 0 else { throw ConfigurationError(key: "mailbox_directory.wait_for_mailbox_hours", "must be positive") }
        guard recheckMinSeconds > 0, recheckMaxSeconds >= recheckMinSeconds else {
            throw ConfigurationError(key: "mailbox_directory.recheck_min_seconds", "recheck_min_seconds > 0 and recheck_max_seconds >= it")
        }
        guard unavailableRetrySeconds > 0 else { throw ConfigurationError(key: "mailbox_directory.unavailable_retry_seconds", "must be positive") }
        switch backend {
        case nil:
            if graph != nil || ldap != nil {
                throw ConfigurationError(key: "mailbox_directory.backend", "graph or ldap: a directory section without a backend is not used")
            }
        case .graph:
            guard let graph else { throw ConfigurationError(key: "mailbox_directory.graph", "backend graph needs the graph section") }
            try graph.validate()
        case .ldap:
            guard let ldap else { throw ConfigurationError(key: "mailbox_directory.ldap", "backend ldap needs the ldap section") }
            try ldap.validate()
        }
    }

    /// What `check-config` says about who decides addresses.
    func advice(ruleSetNames: [String]) -> [String] {
        guard let backend else {
            return [
                "mailbox_directory: off: hirebind is the naming authority and binds the address it computes without asking Exchange; if mailboxes are made elsewhere (Entra ID, AD scripts), configure mailbox_directory so an address that is someone else's is never bound"
            ]
        }
        return ruleSetNames.compactMap { name in
            switch mode(forRuleSet: name) {
            case .off:
                "mailbox_directory: rule set \(name) is off: hirebind is the naming authority there and binds without asking \(backend.rawValue)"
            case .verify, .adopt: nil
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case backend, mode, graph, ldap
        case ruleSets = "rule_sets"
        case identityFrom = "identity_from"
        case waitForMailboxHours = "wait_for_mailbox_hours"
        case recheckMinSeconds = "recheck_min_seconds"
        case recheckMaxSeconds = "recheck_max_seconds"
        case unavailableRetrySeconds = "unavailable_retry_seconds"
    }
}

/// `mailbox_directory.graph`: an Entra ID app registration with the `User.Read.All` application permission.
public struct GraphSettings: Sendable, Codable {
    public var tenantID: String
    public var clientID: String
    public var clientSecret: SecretReference
    /// `employeeId`, `userPrincipalName`, `mail`, `onPremisesExtensionAttributes/extensionAttribute1`, `extension_{app}_{name}`.
    public var identityAttribute: String
    public var authorityURL: String
    public var graphURL: String
    public var timeoutSeconds: Double

    public init(
        tenantID: String, clientID: String, clientSecret: SecretReference, identityAttribute: String = Graph.defaultIdentityAttribute,
        authorityURL: String = Graph.defaultAuthorityURL, graphURL: String = Graph.defaultGraphURL,
        timeoutSeconds: Double = Graph.defaultTimeoutSeconds
    ) {
        self.tenantID = tenantID
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.identityAttribute = identityAttribute
        self.authorityURL = authorityURL
        self.graphURL = graphURL
        self.timeoutSeconds = timeoutSeconds
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            tenantID: try c.decode(String.self, forKey: .tenantID), clientID: try c.decode(String.self, forKey: .clientID),
            clientSecret: try c.decode(SecretReference.self, forKey: .clientSecret),
            identityAttribute: try c.value(.identityAttribute, default: Graph.defaultIdentityAttribute),
            authorityURL: try c.value(.authorityURL, default: Graph.defaultAuthorityURL),
            graphURL: try c.value(.graphURL, default: Graph.defaultGraphURL),
            timeoutSeconds: try c.value(.timeoutSeconds, default: Graph.defaultTimeoutSeconds)
        )
    }

    /// The client's configuration, whose defaults these are.
    public typealias Graph = GraphDirectory.Configuration

    func validate() throws(ConfigurationError) {
        for (key, url) in [("authority_url", authorityURL), ("graph_url", graphURL)] {
            guard let parsed = URL(string: url), let host = parsed.host,
                parsed.scheme == "https" || (parsed.scheme == "http" && ["127.0.0.1", "localhost", "::1"].contains(host))
            else {
                throw ConfigurationError(key: "mailbox_directory.graph.\(key)", "an https URL (http only for a loopback sandbox)")
            }
        }
        let attribute =
            #"^(employeeId|userPrincipalName|mail|onPremisesExtensionAttributes/extensionAttribute([1-9]|1[0-5])|extension_[0-9a-fA-F]{32}_[A-Za-z0-9_]+)$"#
        guard identityAttribute.range(of: attribute, options: .regularExpression) != nil else {
            throw ConfigurationError(
                key: "mailbox_directory.graph.identity_attribute",
                "employeeId, userPrincipalName, mail, onPremisesExtensionAttributes/extensionAttributeN or extension_{appId}_{name}")
        }
        guard timeoutSeconds > 0 else { throw ConfigurationError(key: "mailbox_directory.graph.timeout_seconds", "must be positive") }
    }

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id"
        case clientID = "client_id"
        case clientSecret = "client_secret"
        case identityAttribute = "identity_attribute"
        case authorityURL = "authority_url"
        case graphURL = "graph_url"
        case timeoutSeconds = "timeout_seconds"
    }
}

/// `mailbox_directory.ldap`: Active Directory (or another LDAP directory holding Exchange's attributes).
public struct LDAPSettings: Sendable, Codable {
    public var url: String
    /// StartTLS on an `ldap://` URL; an `ldaps://` URL is TLS from the start.
    public var startTLS: Bool
    public var caFile: String?
    public var bindDN: String
    public var bindPassword: SecretReference
    public var searchBase: String
    public var filter: String
    public var identityAttribute: String
    public var addressFilter: String
    public var timeoutSeconds: Double

    public init(
        url: String, startTLS: Bool? = nil, caFile: String? = nil, bindDN: String, bindPassword: SecretReference, searchBase: String,
        filter: String = LDAP.defaultIdentityFilter, identityAttribute: String = LDAP.defaultIdentityAttribute,
        addressFilter: String = LDAP.defaultAddressFilter, timeoutSeconds: Double = LDAP.defaultTimeoutSeconds
    ) {
        self.url = url
        self.startTLS = startTLS ?? url.lowercased().hasPrefix("ldap://")
        self.caFile = caFile
        self.bindDN = bindDN
        self.bindPassword = bindPassword
        self.searchBase = searchBase
        self.filter = filter
        self.identityAttribute = identityAttribute
        self.addressFilter = addressFilter
        self.timeoutSeconds = timeoutSeconds
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let url = try c.decode(String.self, forKey: .url)
        self.init(
            url: url, startTLS: try c.decodeIfPresent(Bool.self, forKey: .startTLS), caFile: try c.decodeIfPresent(String.self, forKey: .caFile),
            bindDN: try c.decode(String.self, forKey: .bindDN), bindPassword: try c.decode(SecretReference.self, forKey: .bindPassword),
            searchBase: try c.decode(String.self, forKey: .searchBase),
            filter: try c.value(.filter, default: LDAP.defaultIdentityFilter),
            identityAttribute: try c.value(.identityAttribute, default: LDAP.defaultIdentityAttribute),
            addressFilter: try c.value(.addressFilter, default: LDAP.defaultAddressFilter),
            timeoutSeconds: try c.value(.timeoutSeconds, default: LDAP.defaultTimeoutSeconds)
        )
    }

    /// The client's configuration, whose defaults these are.
    public typealias LDAP = LDAPDirectory.Configuration

    func validate() throws(ConfigurationError) {
        let lowered = url.lowercased()
        guard lowered.hasPrefix("ldap://") || lowered.hasPrefix("ldaps://") else {
            throw ConfigurationError(key: "mailbox_directory.ldap.url", "ldaps://host[:636] or ldap://host[:389] (with start_tls)")
        }
        guard !(lowered.hasPrefix("ldap://") && !startTLS) else {
            throw ConfigurationError(
                key: "mailbox_directory.ldap.start_tls", "an ldap:// URL needs start_tls: true; the bind password is never sent in the clear")
        }
        guard !(lowered.hasPrefix("ldaps://") && startTLS) else {
            throw ConfigurationError(key: "mailbox_directory.ldap.start_tls", "an ldaps:// URL is TLS already: leave start_tls out")
        }
        guard filter.contains("{employee_id}") || filter.contains("{email}") else {
            throw ConfigurationError(
                key: "mailbox_directory.ldap.filter", "must contain {employee_id} (or {email}), such as (employeeID={employee_id})")
        }
        guard addressFilter.contains("{address}") else {
            throw ConfigurationError(key: "mailbox_directory.ldap.address_filter", "must contain {address}")
        }
        for (key, value) in [("filter", filter), ("address_filter", addressFilter)] where !(value.hasPrefix("(") && value.hasSuffix(")")) {
            throw ConfigurationError(key: "mailbox_directory.ldap.\(key)", "an LDAP filter is written in parentheses")
        }
        guard timeoutSeconds > 0 else { throw ConfigurationError(key: "mailbox_directory.ldap.timeout_seconds", "must be positive") }
    }

    enum CodingKeys: String, CodingKey {
        case url, filter
        case startTLS = "start_tls"
        case caFile = "ca_file"
        case bindDN = "bind_dn"
        case bindPassword = "bind_password"
        case searchBase = "search_base"
        case identityAttribute = "identity_attribute"
        case addressFilter = "address_filter"
        case timeoutSeconds = "timeout_seconds"
    }
}
