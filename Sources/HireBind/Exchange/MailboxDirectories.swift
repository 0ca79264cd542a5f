// MailboxDirectories: the configured mailbox directory (Graph or LDAP) built from its settings and secret.

public import AsyncHTTPClient
public import Logging
public import MailboxDirectory
public import Secrets

/// Builds the mailbox directory `mailbox_directory:` names; nil when none is configured.
public enum MailboxDirectories {
    public static func make(
        _ settings: MailboxDirectorySettings, secret: Secret?, httpClient: HTTPClient, logger: Logger
    ) -> (any MailboxDirectory)? {
        guard let secret else { return nil }
        switch settings.backend {
        case .graph?:
            guard let graph = settings.graph else { return nil }
            return GraphDirectory(
                configuration: .init(
                    tenantID: graph.tenantID, clientID: graph.clientID, clientSecret: secret, identityAttribute: graph.identityAttribute,
                    authorityURL: graph.authorityURL, graphURL: graph.graphURL, timeoutSeconds: graph.timeoutSeconds
                ),
                httpClient: httpClient, logger: logger
            )
        case .ldap?:
            guard let ldap = settings.ldap else { return nil }
            return LDAPDirectory(
                configuration: .init(
                    url: ldap.url, startTLS: ldap.startTLS, caFile: ldap.caFile, bindDN: ldap.bindDN, bindPassword: secret,
                    searchBase: ldap.searchBase, identityFilter: ldap.filter, identityAttribute: ldap.identityAttribute,
                    addressFilter: ldap.addressFilter, timeoutSeconds: ldap.timeoutSeconds
                ),
                logger: logger
            )
        case nil:
            return nil
        }
    }

    /// The gate the bind worker consults; nil when no directory is configured.
    public static func gate(
        _ settings: MailboxDirectorySettings, secret: Secret?, httpClient: HTTPClient, logger: Logger
    ) -> MailboxGate? {
        make(settings, secret: secret, httpClient: httpClient, logger: logger).map { MailboxGate(directory: $0, settings: settings, logger: logger) }
    }
}
