// ExchangeSideTests: the mailbox directory consulted before each bind, end to end over loopback, Graph and LDAP.

import DryRun
import FeishuSandbox
import Foundation
import HireBind
import HireBindCore
import HireBindTesting
import Logging
import Synchronization
import Testing

/// The whole service with a mailbox directory: the Graph simulator of the sandbox, or a real slapd.
@Suite struct ExchangeSideTests {
    /// A hire of the fixture's second Wei Zhang (E1002): naming computes wei.zhang, which is E1001's mailbox.
    static var secondWei: [String: Any] { Stack.event("evt-wei2", extra: ["employee_id": "E1002"]) }

    /// The finished job's record.
    func finished(_ stack: Stack, _ answer: Stack.Answer) async throws -> [String: Any] {
        let jobID = try #require(answer.json["job_id"] as? String)
        return try #require(try await stack.finishedJob(jobID)["job"] as? [String: Any])
    }

    func failureCode(_ job: [String: Any]) -> String? { (job["last_error"] as? [String: Any])?["code"] as? String }

    func directoryTrace(_ job: [String: Any]) -> [String: Any]? { (job["naming_trace"] as? [String: Any])?["directory"] as? [String: Any] }

    @Test func verifyRefusesAnAddressThatIsSomeoneElsesAndBindsNothing() async throws {
        try await Stack.with(.init { $0.mailboxDirectory = { Stack.graphDirectory($0, mode: .verify) } }) { stack in
            let answer = try await stack.postWebhook(Self.secondWei)
            #expect(answer.json["exchange_account"] as? String == "wei.zhang@example.com")
            let jobID = try #require(answer.json["job_id"] as? String)
            let job = try #require(try await stack.finishedJob(jobID)["job"] as? [String: Any])
            #expect(job["status"] as? String == "failed")
            #expect(failureCode(job) == "mailbox_of_someone_else")
            #expect(await stack.sandbox.state.allBindings().isEmpty)
            #expect(await stack.sandbox.state.receivedRequests().isEmpty)
            // The trace shows what Graph answered; the HR callback says why, and the refusal is counted.
            let trace = try #require(directoryTrace(job))
            #expect(trace["verdict"] as? String == "refused")
            #expect(trace["backend"] as? String == "graph")
            let holders = try #require(trace["address_holders"] as? [[String: Any]])
            #expect(holders.map { $0["identity"] as? String } == ["E1001"])
            let delivery = try #require(await stack.receiver.inbox.waitFor(count: 1, seconds: 10).first)
            let result = try JSONDecoder().decode(BindResult.self, from: Data(delivery.body))
            #expect(result.status == .failed)
            #expect(result.error?.code == "mailbox_of_someone_else")
            #expect(try await stack.metricsText().contains(#"hirebind_mailbox_refusals_total{reason="someone_else"} 1"#))

            // The first Wei Zhang's own address is confirmed and bound.
            let first = try await stack.postWebhook(Stack.event("evt-wei1", extra: ["employee_id": "E1001"]))
            #expect(first.json["exchange_account"] as? String == "wei.zhang2@example.com")
        }
    }

    @Test func adoptBindsTheAddressTheDirectoryHoldsForThePerson() async throws {
        try await Stack.with(.init { $0.mailboxDirectory = { Stack.graphDirectory($0, mode: .adopt) } }) { stack in
            let answer = try await stack.postWebhook(Self.secondWei)
            let jobID = try #require(answer.json["job_id"] as? String)
            let job = try #require(try await stack.finishedJob(jobID)["job"] as? [String: Any])
            #expect(job["status"] as? String == "succeeded")
            #expect(job["exchange_account"] as? String == "wei.zhang2@example.com")
            #expect(await stack.sandbox.state.allBindings().map(\.exchangeAccount) == ["wei.zhang2@example.com"])
            #expect(directoryTrace(job)?["verdict"] as? String == "adopted")
            let delivery = try #require(await stack.receiver.inbox.waitFor(count: 1, seconds: 10).first)
            let result = try JSONDecoder().decode(BindResult.self, from: Data(delivery.body))
            #expect(result.exchangeAccount == "wei.zhang2@example.com")
            // The adopted address is in the ledger: nobody is handed it again.
            let next = try await stack.postWebhook(
                Stack.event("evt-wei3", given: "伟", family: "张", userID: "ou_other", extra: ["employee_id": "E1009"]))
            #expect(next.json["exchange_account"] as? String == "wei.zhang3@example.com")
        }
    }

    @Test func aMailboxCreatedAfterTheHireIsFoundByALaterLook() async throws {
        try await Stack.with(.init { $0.mailboxDirectory = { Stack.graphDirectory($0, mode: .verify) } }) { stack in
            let answer = try await stack.postWebhook(Stack.event("evt-ming", given: "明", family: "王", extra: ["employee_id": "E2001"]))
            #expect(answer.json["exchange_account"] as? String == "ming.wang@example.com")
            let jobID = try #require(answer.json["job_id"] as? String)
            // Waiting between looks: queued again, the reason kept.
            _ = try await stack.job(jobID, until: { failureCode($0) == "mailbox_not_yet" && $0["status"] as? String == "queued" })
            #expect(await stack.sandbox.state.allBindings().isEmpty)
            // Exchange creates the mailbox; the next look finds it and the job binds.
            _ = try await stack.sandboxCall(
                "/sandbox/graph/users", json: ["displayName": "Ming Wang", "mail": "ming.wang@example.com", "employeeId": "E2001"])
            let job = try #require(try await stack.finishedJob(jobID)["job"] as? [String: Any])
            #expect(job["status"] as? String == "succeeded")
            #expect(directoryTrace(job)?["verdict"] as? String == "confirmed")
            #expect(await stack.sandbox.state.allBindings().map(\.exchangeAccount) == ["ming.wang@example.com"])
        }
    }

    @Test func aPersonWhoseMailboxNeverComesFailsWithTheReasonAfterTheWindow() async throws {
        try await Stack.with(.init { $0.mailboxDirectory = { Stack.graphDirectory($0, mode: .adopt, waitHours: 1.0 / 3600) } }) { stack in
            let answer = try await stack.postWebhook(Stack.event("evt-nobody", given: "明", family: "王", extra: ["employee_id": "E2002"]))
            let jobID = try #require(answer.json["job_id"] as? String)
            let job = try #require(try await stack.finishedJob(jobID)["job"] as? [String: Any])
            #expect(job["status"] as? String == "failed")
            #expect(failureCode(job) == "no_mailbox")
            let delivery = try #require(await stack.receiver.inbox.waitFor(count: 1, seconds: 10).first)
            let result = try JSONDecoder().decode(BindResult.self, from: Data(delivery.body))
            #expect(result.error?.code == "no_mailbox")
            #expect(result.error?.message.contains("E2002") == true)
        }
    }

    @Test func peopleCanBeFoundByTheirEmailInstead() async throws {
        try await Stack.with(
            .init { options in
                options.mailboxDirectory = { url in
                    Stack.graphDirectory(url, mode: .adopt) {
                        $0.identityFrom = .email
                        $0.graph?.identityAttribute = "mail"
                    }
                }
            }
        ) { stack in
            // HR knows the second Wei Zhang's mailbox; an employee id the directory never heard of does not matter.
            let answer = try await stack.postWebhook(Stack.event("evt-by-mail", extra: ["employee_id": "HR-77", "email": "Wei.Zhang2@example.com"]))
            #expect(answer.json["exchange_account"] as? String == "wei.zhang@example.com")
            let job = try await finished(stack, answer)
            #expect(job["exchange_account"] as? String == "wei.zhang2@example.com")
            #expect(directoryTrace(job)?["identity"] as? String == "Wei.Zhang2@example.com")
            // Without an email there is nothing to look the person up by: refused with the reason, nothing bound.
            let anonymous = try await stack.postWebhook(Stack.event("evt-no-mail", userID: "ou_x", extra: ["employee_id": "HR-78"]))
            #expect(failureCode(try await finished(stack, anonymous)) == "mailbox_identity_missing")
            #expect(await stack.sandbox.state.allBindings().count == 1)
        }
    }

    @Test func aDisabledAccountIsRefused() async throws {
        try await Stack.with(.init { $0.mailboxDirectory = { Stack.graphDirectory($0, mode: .adopt) } }) { stack in
            let answer = try await stack.postWebhook(Stack.event("evt-na", given: "娜", family: "李", extra: ["employee_id": "E1003"]))
            let job = try await finished(stack, answer)
            #expect(failureCode(job) == "mailbox_disabled")
            #expect(await stack.sandbox.state.allBindings().isEmpty)
        }
    }

    @Test func throttlingIsWaitedOutWithoutUsingAttempts() async throws {
        try await Stack.with(
            .init {
                $0.maxAttempts = 1; $0.mailboxDirectory = { Stack.graphDirectory($0, mode: .verify) }
            }
        ) { stack in
            await stack.sandbox.graph.inject(status: 429, retryAfter: 1, count: 2)
            let answer = try await stack.postWebhook(Stack.event("evt-throttled", extra: ["employee_id": "E1001"]))
            let jobID = try #require(answer.json["job_id"] as? String)
            let detail = try await stack.finishedJob(jobID)
            let job = try #require(detail["job"] as? [String: Any])
            #expect(job["status"] as? String == "succeeded")
            let attempts = try #require(detail["attempts"] as? [[String: Any]])
            let throttled = attempts.filter { (($0["failure"] as? [String: Any])?["code"] as? String) == "mailbox_directory_throttled" }
            #expect(throttled.count == 2)
            #expect(await stack.sandbox.state.allBindings().count == 1)
        }
    }

    @Test func whileTheDirectoryIsDownJobsWaitAndNothingBinds() async throws {
        // Graph on a port where nothing listens.
        try await Stack.with(
            .init { options in
                options.maxAttempts = 1
                options.mailboxDirectory = { url in Stack.graphDirectory(url, mode: .verify) { $0.graph?.graphURL = "http://127.0.0.1:9" } }
            }
        ) { stack in
            let answer = try await stack.postWebhook(Stack.event("evt-down", extra: ["employee_id": "E1001"]))
            let jobID = try #require(answer.json["job_id"] as? String)
            var attempts: [[String: Any]] = []
            for _ in 0..<200 where attempts.count < 3 {
                try await Task.sleep(for: .milliseconds(50))
                attempts = try await stack.admin("/v1/jobs/\(jobID)").json["attempts"] as? [[String: Any]] ?? []
            }
            #expect(attempts.count >= 3)
            #expect(attempts.allSatisfy { (($0["failure"] as? [String: Any])?["code"] as? String) == "mailbox_directory_unavailable" })
            let job = try #require(try await stack.admin("/v1/jobs/\(jobID)").json["job"] as? [String: Any])
            #expect(["queued", "running"].contains(job["status"] as? String))
            #expect(await stack.sandbox.state.receivedRequests().isEmpty)
        }
    }

    @Test func wrongDirectoryCredentialsWaitForAnOperatorAndStayOutOfLogs() async throws {
        let capture = CapturingLogHandler()
        var logger = Logger(label: "exchange-side") { _ in capture }
        logger.logLevel = .trace
        try await Stack.with(
            .init { options in
                options.logger = logger
                options.mailboxDirectory = { url in
                    Stack.graphDirectory(url, mode: .verify) { $0.graph?.clientSecret = .environment("FEISHU_APP_SECRET") }
                }
            }
        ) { stack in
            let answer = try await stack.postWebhook(Stack.event("evt-creds", extra: ["employee_id": "E1001"]))
            let jobID = try #require(answer.json["job_id"] as? String)
            _ = try await stack.job(jobID, until: { failureCode($0) == "mailbox_directory_credentials" && $0["status"] as? String == "queued" })
            let ready = try await stack.readiness(503)
            #expect(ready.status == 503)
            #expect(ready.errorCode == "mailbox_directory")
            #expect(ready.errorMessage?.contains("invalid_client") == true)
            #expect(await stack.sandbox.state.allBindings().isEmpty)
        }
        let text = capture.text
        #expect(text.contains("mailbox_directory_credentials"))
        #expect(!text.contains(Stack.appSecret))
        #expect(!text.contains(GraphSandboxConfiguration().clientSecret))
    }

    @Test func graphSecretsAndTokensNeverReachALogLine() async throws {
        let capture = CapturingLogHandler()
        var logger = Logger(label: "exchange-side") { _ in capture }
        logger.logLevel = .trace
        let tokens = Mutex<[String]>([])
        try await Stack.with(
            .init {
                $0.logger = logger; $0.mailboxDirectory = { Stack.graphDirectory($0, mode: .adopt) }
            }
        ) { stack in
            let answer = try await stack.postWebhook(Self.secondWei)
            _ = try await stack.finishedJob(try #require(answer.json["job_id"] as? String))
            let issued = await stack.sandbox.graph.issuedTokens
            tokens.withLock { $0 = issued }
        }
        let text = capture.text
        #expect(text.contains("address adopted from the mailbox directory"))
        #expect(!text.contains(GraphSandboxConfiguration().clientSecret))
        let issued = tokens.withLock { $0 }
        #expect(!issued.isEmpty)
        for token in issued { #expect(!text.contains(token)) }
    }

    @Test func ldapVerifyRefusesTheMismatchAndBindsAMailboxAddedLater() async throws {
        try await SlapdFixture.with { fixture in
            let capture = CapturingLogHandler()
            var logger = Logger(label: "exchange-side-ldap") { _ in capture }
            logger.logLevel = .trace
            try await Stack.with(
                .init {
                    $0.logger = logger
                    $0.naming = NamingSettings(domain: "corp.example")
                    $0.mailboxDirectory = { _ in fixture.settings(mode: .verify) }
                }
            ) { stack in
                // The mismatch: E1002 computed wei.zhang, which is E1001's.
                let wei2 = try await stack.postWebhook(Self.secondWei)
                let refused = try await finished(stack, wei2)
                #expect(failureCode(refused) == "mailbox_of_someone_else")
                #expect(directoryTrace(refused)?["backend"] as? String == "ldap")

                // Not yet created, then created by an AD admin: the later look binds.
                let answer = try await stack.postWebhook(Stack.event("evt-ming-ldap", given: "明", family: "王", extra: ["employee_id": "E2001"]))
                let jobID = try #require(answer.json["job_id"] as? String)
                _ = try await stack.job(jobID, until: { failureCode($0) == "mailbox_not_yet" })
                #expect(await stack.sandbox.state.allBindings().isEmpty)
                try await fixture.add(
                    """
                    dn: cn=Ming Wang,ou=People,dc=corp,dc=example
                    objectClass: inetOrgPerson
                    objectClass: hirebindMailUser
                    cn: Ming Wang
                    sn: Wang
                    mail: ming.wang@corp.example
                    proxyAddresses: SMTP:ming.wang@corp.example
                    employeeID: E2001
                    userAccountControl: 512
                    """)
                let job = try #require(try await stack.finishedJob(jobID)["job"] as? [String: Any])
                #expect(job["status"] as? String == "succeeded")
                #expect(await stack.sandbox.state.allBindings().map(\.exchangeAccount) == ["ming.wang@corp.example"])
            }
            #expect(!capture.text.contains(fixture.password))
        }
    }

    @Test func ldapAdoptOverLDAPSAndAnLDAPServerThatIsDownKeepsJobsWaiting() async throws {
        let stopped = try await SlapdFixture.with { fixture in
            try await Stack.with(
                .init {
                    $0.naming = NamingSettings(domain: "corp.example")
                    $0.mailboxDirectory = { _ in fixture.settings(mode: .adopt, ldaps: true) }
                }
            ) { stack in
                let answer = try await stack.postWebhook(Stack.event("evt-fang", given: "芳", family: "陈", extra: ["employee_id": "E1004"]))
                #expect(answer.json["exchange_account"] as? String == "fang.chen@corp.example")
                let job = try await finished(stack, answer)
                #expect(job["exchange_account"] as? String == "f.chen@corp.example")
            }
            return fixture
        }
        // The fixture is stopped now: its port refuses connections.
        try await Stack.with(
            .init {
                $0.naming = NamingSettings(domain: "corp.example")
                $0.mailboxDirectory = { _ in stopped.settings(mode: .verify) { $0.bindPassword = .environment("FEISHU_APP_SECRET") } }
            }
        ) { stack in
            let answer = try await stack.postWebhook(Stack.event("evt-down-ldap", extra: ["employee_id": "E1001"]))
            let jobID = try #require(answer.json["job_id"] as? String)
            _ = try await stack.job(jobID, until: { failureCode($0) == "mailbox_directory_unavailable" && $0["status"] as? String == "queued" })
            #expect(await stack.sandbox.state.receivedRequests().isEmpty)
        }
    }
}
