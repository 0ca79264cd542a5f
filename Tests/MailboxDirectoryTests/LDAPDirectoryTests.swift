// LDAPDirectoryTests: the LDAP backend against a real slapd on loopback: StartTLS, LDAPS, escaping, failures.

import Foundation
import HireBindTesting
import Logging
import MailboxDirectory
import Secrets
import Testing

/// The LDAP directory client against a real OpenLDAP slapd holding Active Directory's attributes.
@Suite struct LDAPDirectoryTests {
    func directory(
        _ fixture: SlapdFixture, ldaps: Bool = false, change: (inout LDAPDirectory.Configuration) -> Void = { _ in }
    )
        -> LDAPDirectory
    {
        var configuration = LDAPDirectory.Configuration(
            url: ldaps ? fixture.ldapsURL : fixture.url, startTLS: !ldaps, caFile: fixture.caFile, bindDN: fixture.bindDN,
            bindPassword: Secret(fixture.password), searchBase: fixture.searchBase, timeoutSeconds: 2)
        change(&configuration)
        return LDAPDirectory(configuration: configuration, logger: Logger(label: "ldap-test"))
    }

    @Test func findsThePersonAndTheHolderOfAnAddressOverStartTLSAndLDAPS() async throws {
        try await SlapdFixture.with { fixture in
            for ldaps in [false, true] {
                let directory = directory(fixture, ldaps: ldaps)
                let accounts = try await directory.accounts(identity: "E1004")
                #expect(accounts.count == 1)
                let fang = try #require(accounts.first)
                #expect(fang.identity == "E1004")
                #expect(fang.primaryAddress == "f.chen@corp.example")
                #expect(fang.smtpAddresses == ["f.chen@corp.example", "fang.chen@corp.example"])
                #expect(fang.enabled)
                #expect(fang.id == "cn=Fang Chen,ou=People,dc=corp,dc=example")
                // The alias finds its holder too, whatever its case.
                let holders = try await directory.holders(of: "Fang.Chen@corp.example")
                #expect(holders.map(\.identity) == ["E1004"])
                let holdersOfWei = try await directory.holders(of: "wei.zhang@corp.example").map(\.identity)
                #expect(holdersOfWei == ["E1001"])
                let nobody = try await directory.accounts(identity: "E9999")
                #expect(nobody.isEmpty)
            }
        }
    }

    @Test func aDisabledAccountIsReadAsDisabled() async throws {
        try await SlapdFixture.with { fixture in
            let accounts = try await directory(fixture).accounts(identity: "E1003")
            #expect(accounts.map(\.enabled) == [false])
        }
    }

    @Test func filterValuesAreEscapedSoAWildcardMatchesNobody() async throws {
        try await SlapdFixture.with { fixture in
            let directory = directory(fixture)
            let wildcard = try await directory.accounts(identity: "*")
            #expect(wildcard.isEmpty)
            let injected = try await directory.accounts(identity: "E1001)(employeeID=*")
            #expect(injected.isEmpty)
            let wildcardAddress = try await directory.holders(of: "*@corp.example")
            #expect(wildcardAddress.isEmpty)
        }
        #expect(LDAPDirectory.escaped("a*b(c)d\\e") == "a\\2ab\\28c\\29d\\5ce")
        #expect(LDAPDirectory.escaped("张伟") == "张伟")
    }

    @Test func aWrongPasswordIsACredentialsErrorThatNeverNamesThePassword() async throws {
        try await SlapdFixture.with { fixture in
            let wrong = "not-the-password-\(UUID().uuidString)"
            let directory = directory(fixture) { $0.bindPassword = Secret(wrong) }
            await #expect {
                _ = try await directory.accounts(identity: "E1001")
            } throws: { error in
                guard case .credentials(let reason) = error as? MailboxDirectoryError else { return false }
                return reason.contains("Invalid credentials") && !reason.contains(wrong) && !"\(error)".contains(wrong)
            }
        }
    }

    @Test func aPlainConnectionIsRefusedByADirectoryThatRequiresTLS() async throws {
        try await SlapdFixture.with { fixture in
            let directory = directory(fixture) { $0.startTLS = false }
            await #expect {
                _ = try await directory.accounts(identity: "E1001")
            } throws: { error in
                guard case .credentials(let reason) = error as? MailboxDirectoryError else { return false }
                return reason.contains("onfidentiality")
            }
        }
    }

    @Test func anUntrustedCertificateAndADirectoryThatIsDownAreUnavailable() async throws {
        try await SlapdFixture.with { fixture in
            let untrusted = directory(fixture, ldaps: true) { $0.caFile = "/etc/ssl/certs/ca-certificates.crt" }
            await #expect {
                _ = try await untrusted.accounts(identity: "E1001")
            } throws: { error in
                if case .unavailable = error as? MailboxDirectoryError { return true }
                return false
            }
        }
        // The fixture is stopped: nothing listens on its port any more.
        let fixture = try await SlapdFixture.with { $0 }
        let down = directory(fixture)
        await #expect {
            _ = try await down.accounts(identity: "E1001")
        } throws: { error in
            if case .unavailable(let reason) = error as? MailboxDirectoryError { return reason.contains("Can't contact LDAP server") }
            return false
        }
    }

    @Test func aSearchBaseThatDoesNotExistIsAQueryError() async throws {
        try await SlapdFixture.with { fixture in
            let directory = directory(fixture) { $0.searchBase = "ou=Nobody,dc=corp,dc=example" }
            await #expect {
                _ = try await directory.accounts(identity: "E1001")
            } throws: { error in
                if case .misconfigured = error as? MailboxDirectoryError { return true }
                return false
            }
        }
    }
}
