// LDAPDirectory: on-premises Active Directory / Exchange through the system's OpenLDAP client library.

import CLDAP
import Foundation
public import Logging
import NIOPosix
public import Secrets

/// Active Directory (or any LDAP directory holding Exchange's attributes) as the mailbox directory, through
/// the system's OpenLDAP client (`libldap`). Every lookup opens a connection, secures it (LDAPS, or StartTLS on
/// `ldap://`), binds as the service account, searches and unbinds: lookups are one per hire, and a connection
/// of its own keeps a dead domain controller from wedging the next one. The blocking client calls run on
/// NIO's thread pool, never on a task's thread.
public struct LDAPDirectory: MailboxDirectory {
    /// Where and as whom hirebind searches.
    public struct Configuration: Sendable {
        /// `ldaps://dc1.corp.example` or `ldap://dc1.corp.example` (then with StartTLS).
        public var url: String
        public var startTLS: Bool
        /// The CA that signed the directory's certificate, when the system's store does not hold it.
        public var caFile: String?
        public var bindDN: String
        public var bindPassword: Secret
        public var searchBase: String
        /// The filter that finds the person; `{employee_id}` (or `{email}`) is replaced by the value they are looked up
        /// by, escaped (RFC 4515).
        public var identityFilter: String
        /// The attribute the identity filter matches, read back to tell whose an entry is.
        public var identityAttribute: String
        /// The filter that finds whoever holds an address; `{address}` is replaced by it, escaped.
        public var addressFilter: String
        public var timeoutSeconds: Double

        public static let defaultIdentityFilter = "(employeeID={employee_id})"
        public static let defaultAddressFilter = "(|(mail={address})(proxyAddresses=smtp:{address}))"
        public static let defaultIdentityAttribute = "employeeID"
        public static let defaultTimeoutSeconds = 10.0

        public init(
            url: String, startTLS: Bool, caFile: String? = nil, bindDN: String, bindPassword: Secret, searchBase: String,
            identityFilter: String = Self.defaultIdentityFilter, identityAttribute: String = Self.defaultIdentityAttribute,
            addressFilter: String = Self.defaultAddressFilter, timeoutSeconds: Double = Self.defaultTimeoutSeconds
        ) {
            self.url = url
            self.startTLS = startTLS
            self.caFile = caFile
            self.bindDN = bindDN
            self.bindPassword = bindPassword
            self.searchBase = searchBase
            self.identityFilter = identityFilter
            self.identityAttribute = identityAttribute
            self.addressFilter = addressFilter
            self.timeoutSeconds = timeoutSeconds
        }
    }

    public let configuration: Configuration
    let logger: Logger

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    public var kind: String { "ldap" }
    public var identityAttribute: String { configuration.identityFilter }

    public func accounts(identity: String) async throws(MailboxDirectoryError) -> [MailboxRecord] {
        let value = Self.escaped(identity)
        return try await search(
            configuration.identityFilter.replacingOccurrences(of: "{employee_id}", with: value).replacingOccurrences(of: "{email}", with: value))
    }

    public func holders(of address: String) async throws(MailboxDirectoryError) -> [MailboxRecord] {
        try await search(configuration.addressFilter.replacingOccurrences(of: "{address}", with: Self.escaped(address.lowercased())))
    }

    /// A value made safe inside a filter (RFC 4515): `*`, `(`, `)`, `\` and NUL as `\XX`.
    public static func escaped(_ value: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            switch scalar {
            case "*", "(", ")", "\\", "\0": out.append(contentsOf: String(format: "\\%02x", scalar.value).unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    func search(_ filter: String) async throws(MailboxDirectoryError) -> [MailboxRecord] {
        let configuration = self.configuration
        let result: Result<[MailboxRecord], MailboxDirectoryError>
        do {
            result = try await NIOThreadPool.singleton.runIfActive { LDAPSession.search(filter, configuration: configuration) }
        } catch {
            throw .unavailable("the thread pool for directory lookups is shut down")
        }
        return try result.get()
    }
}

/// One blocking LDAP conversation: connect, secure, bind, search, unbind.
enum LDAPSession {
    static let scopeSubtree: Int32 = 2
    static let sizeLimit: Int32 = 10
    /// Active Directory's `userAccountControl` flag for a disabled account.
    static let accountDisabled = 0x2

    static func search(_ filter: String, configuration: LDAPDirectory.Configuration) -> Result<[MailboxRecord], MailboxDirectoryError> {
        var handle: OpaquePointer?
        guard ldap_initialize(&handle, configuration.url) == LDAP_SUCCESS, let ld = handle else {
            return .failure(.misconfigured("\(configuration.url) is not an LDAP URL"))
        }
        defer { ldap_unbind_ext_s(ld, nil, nil) }

        var version: Int32 = 3
        ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version)
        ldap_set_option(ld, LDAP_OPT_REFERRALS, nil)
        var timeout = timeval(tv_sec: Int(configuration.timeoutSeconds.rounded(.up)), tv_usec: 0)
        ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &timeout)
        ldap_set_option(ld, LDAP_OPT_TIMEOUT, &timeout)
        var demand = LDAP_OPT_X_TLS_HARD
        ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand)
        if let caFile = configuration.caFile {
            _ = caFile.withCString { ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, $0) }
        }
        var serverContext: Int32 = 0
        ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &serverContext)

        if configuration.startTLS {
            let code = ldap_start_tls_s(ld, nil, nil)
            guard code == LDAP_SUCCESS else { return .failure(failure(code, ld, doing: "StartTLS")) }
        }
        var password = Array(configuration.bindPassword.value.utf8)
        let bound = password.withUnsafeMutableBufferPointer { bytes in
            bytes.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(bytes.count, 1)) { pointer in
                var credential = berval(bv_len: ber_len_t(bytes.count), bv_val: pointer)
                return ldap_sasl_bind_s(ld, configuration.bindDN, nil, &credential, nil, nil, nil)
            }
        }
        for index in password.indices { password[index] = 0 }
        guard bound == LDAP_SUCCESS else { return .failure(failure(bound, ld, doing: "bind as \(configuration.bindDN)")) }

        let attributes = ["mail", "proxyAddresses", "userPrincipalName", "userAccountControl", configuration.identityAttribute]
        var cAttributes: [UnsafeMutablePointer<CChar>?] = attributes.map { strdup($0) } + [nil]
        defer { for pointer in cAttributes { free(pointer) } }
        var message: OpaquePointer?
        let searched = ldap_search_ext_s(
            ld, configuration.searchBase, scopeSubtree, filter, &cAttributes, 0, nil, nil, &timeout, sizeLimit, &message)
        defer { if let message { ldap_msgfree(message) } }
        guard searched == LDAP_SUCCESS || searched == LDAP_SIZELIMIT_EXCEEDED else {
            return .failure(failure(searched, ld, doing: "search \(filter) under \(configuration.searchBase)"))
        }
        var records: [MailboxRecord] = []
        var entry = ldap_first_entry(ld, message)
        while let current = entry {
            records.append(record(current, ld, identityAttribute: configuration.identityAttribute))
            entry = ldap_next_entry(ld, current)
        }
        return .success(records)
    }

    static func record(_ entry: OpaquePointer, _ ld: OpaquePointer, identityAttribute: String) -> MailboxRecord {
        var dn = ""
        if let pointer = ldap_get_dn(ld, entry) {
            dn = String(cString: pointer)
            ldap_memfree(pointer)
        }
        let control = values(entry, ld, "userAccountControl").first.flatMap(Int.init) ?? 0
        return MailboxRecord(
            id: dn, identity: values(entry, ld, identityAttribute).first, mail: values(entry, ld, "mail").first,
            proxyAddresses: values(entry, ld, "proxyAddresses"), userPrincipalName: values(entry, ld, "userPrincipalName").first,
            enabled: control & accountDisabled == 0
        )
    }

    static func values(_ entry: OpaquePointer, _ ld: OpaquePointer, _ attribute: String) -> [String] {
        guard let list = ldap_get_values_len(ld, entry, attribute) else { return [] }
        defer { ldap_value_free_len(list) }
        var values: [String] = []
        var index = 0
        while let value = list[index] {
            let buffer = UnsafeRawBufferPointer(start: value.pointee.bv_val, count: Int(value.pointee.bv_len))
            values.append(String(decoding: buffer, as: UTF8.self))
            index += 1
        }
        return values
    }

    /// An LDAP result code as a directory error: the server's own words included, never the password.
    static func failure(_ code: Int32, _ ld: OpaquePointer, doing: String) -> MailboxDirectoryError {
        var reason = "\(doing): " + String(cString: ldap_err2string(code))
        var diagnostic: UnsafeMutablePointer<CChar>?
        if ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diagnostic) == LDAP_SUCCESS, let diagnostic {
            let text = String(cString: diagnostic)
            if !text.isEmpty { reason += " (\(text.prefix(200)))" }
            ldap_memfree(diagnostic)
        }
        switch code {
        case LDAP_INVALID_CREDENTIALS, LDAP_INSUFFICIENT_ACCESS, LDAP_INAPPROPRIATE_AUTH, LDAP_CONFIDENTIALITY_REQUIRED,
            LDAP_STRONG_AUTH_REQUIRED:
            return .credentials(reason)
        case LDAP_BUSY, LDAP_ADMINLIMIT_EXCEEDED:
            return .throttled(retryAfter: nil)
        case LDAP_NO_SUCH_OBJECT, LDAP_FILTER_ERROR, LDAP_INVALID_DN_SYNTAX, LDAP_PARAM_ERROR, LDAP_UNDEFINED_TYPE,
            LDAP_INAPPROPRIATE_MATCHING:
            return .misconfigured(reason)
        default:
            // LDAP_SERVER_DOWN, LDAP_TIMEOUT, LDAP_CONNECT_ERROR, LDAP_UNAVAILABLE, TLS failures and the rest.
            return .unavailable(reason)
        }
    }
}
