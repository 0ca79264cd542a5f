// MailboxDirectorySettingsTests: the `mailbox_directory:` section: defaults, modes per rule set, unsafe settings refused.

import HireBind
import Testing

@Suite struct MailboxDirectorySettingsTests {
    static let base = """
        sources: {hr: {secrets: [{env: HR_SECRET}]}}
        feishu: {admin_account: admin@example.com, user_access_token: {env: FEISHU_TOKEN}}
        naming:
          rule_sets:
            - {name: china, when: {country: CN}, domain: example.cn}
            - {name: default, domain: example.com}
        """

    func parse(_ section: String) throws -> HireBindConfiguration {
        try HireBindConfiguration.parse(yaml: Self.base + "\n" + section)
    }

    func refusal(_ section: String) -> String? {
        do {
            _ = try parse(section)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func withoutADirectoryEveryRuleSetIsOffAndCheckConfigSaysHirebindIsTheAuthority() throws {
        let configuration = try parse("")
        #expect(configuration.mailboxDirectory.mode(forRuleSet: "china") == .off)
        #expect(configuration.advice().contains { $0.hasPrefix("mailbox_directory: off: hirebind is the naming authority") })
    }

    @Test func graphWithModesPerRuleSet() throws {
        let configuration = try parse(
            """
            mailbox_directory:
              backend: graph
              mode: verify
              rule_sets: {china: adopt}
              wait_for_mailbox_hours: 4
              graph: {tenant_id: t, client_id: c, client_secret: {env: GRAPH_SECRET}}
            """)
        let directory = configuration.mailboxDirectory
        #expect(directory.mode(forRuleSet: "china") == .adopt)
        #expect(directory.mode(forRuleSet: "default") == .verify)
        #expect(directory.mode(forRuleSet: nil) == .verify)
        #expect(directory.graph?.identityAttribute == "employeeId")
        #expect(directory.graph?.graphURL == "https://graph.microsoft.com")
        #expect(directory.waitForMailboxHours == 4)
        #expect(!configuration.advice().contains { $0.hasPrefix("mailbox_directory") })
        let off = try parse(
            """
            mailbox_directory:
              backend: graph
              rule_sets: {default: off}
              graph: {tenant_id: t, client_id: c, client_secret: {env: GRAPH_SECRET}}
            """)
        #expect(off.advice().contains { $0.contains("rule set default is off") })
    }

    @Test func ldapDefaultsToStartTLSOnLdapURLs() throws {
        let configuration = try parse(
            """
            mailbox_directory:
              backend: ldap
              ldap: {url: "ldap://dc1.corp.example", bind_dn: "CN=svc,DC=corp", bind_password: {file: /run/secrets/ldap}, search_base: "DC=corp"}
            """)
        #expect(configuration.mailboxDirectory.ldap?.startTLS == true)
        #expect(configuration.mailboxDirectory.ldap?.filter == "(employeeID={employee_id})")
    }

    @Test func unsafeOrMistakenSettingsAreRefusedByKey() {
        let ldap = #"bind_dn: x, bind_password: {env: P}, search_base: "DC=corp""#
        #expect(
            refusal("mailbox_directory: {backend: ldap, ldap: {url: \"ldap://dc1\", start_tls: false, \(ldap)}}")?.contains("never sent in the clear")
                == true)
        #expect(
            refusal("mailbox_directory: {backend: ldap, ldap: {url: \"ldap://dc1\", filter: \"(uid=x)\", \(ldap)}}")?.contains("{employee_id}")
                == true)
        #expect(refusal("mailbox_directory: {backend: ldap, ldap: {url: \"http://dc1\", \(ldap)}}")?.contains("mailbox_directory.ldap.url") == true)
        #expect(refusal("mailbox_directory: {backend: graph}")?.contains("needs the graph section") == true)
        let graph = "graph: {tenant_id: t, client_id: c, client_secret: {env: S}"
        #expect(
            refusal("mailbox_directory: {backend: graph, rule_sets: {japan: adopt}, \(graph)}}")?.contains("no naming rule set is called japan")
                == true)
        #expect(refusal("mailbox_directory: {backend: graph, \(graph), graph_url: \"http://graph.example\"}}")?.contains("graph_url") == true)
        #expect(refusal("mailbox_directory: {backend: graph, \(graph), identity_attribute: \"department\"}}")?.contains("identity_attribute") == true)
        #expect(refusal("mailbox_directory: {backend: graph, mode: sometimes, \(graph)}}") != nil)
        #expect(refusal("mailbox_directory: {backend: graph, wait_for_mailbox_hours: 0, \(graph)}}")?.contains("wait_for_mailbox_hours") == true)
    }
}
