// ConsoleTests: the admin console: sessions, CSRF, escaping of HR's names, no secret on a page, retries that bind.

import FeishuSandbox
import Foundation
import HireBindTesting
import NIOHTTP1
import Secrets
import Testing
import WebhookSignature

@testable import HireBind

@Suite struct ConsoleTests {
    @Test func pagesNeedASessionAndFormsTheSessionsCSRFToken() async throws {
        try await Stack.with(.init { $0.routerOnly = true }) { stack in
            let anonymous = try await stack.console(.GET, "/console/people")
            #expect(anonymous.status == 303)
            #expect(anonymous.headers.first(name: "Location") == "/console/sign-in?next=/console/people")
            let post = try await stack.console(.POST, "/console/dead/retry", form: ["csrf": "x"])
            #expect(post.status == 401)
            #expect(post.headers.first(name: "Content-Type")?.hasPrefix("text/html") == true)

            let wrong = try await stack.console(.POST, "/console/sign-in", form: ["token": "not-the-admin-token"])
            #expect(wrong.status == 401)
            #expect(wrong.text.contains("That is not the admin token."))
            let signIn = try await stack.console(.POST, "/console/sign-in", form: ["token": Stack.adminToken, "next": "/console/dead"])
            #expect(signIn.status == 303)
            #expect(signIn.headers.first(name: "Location") == "/console/dead")
            let cookie = try #require(signIn.headers.first(name: "Set-Cookie"))
            for attribute in ["HttpOnly", "SameSite=Strict", "Path=/console", "Max-Age=28799"] { #expect(cookie.contains(attribute), "\(attribute)") }
            #expect(!cookie.contains("Secure"), "plain HTTP on loopback: a Secure cookie would never come back")
            #expect(!cookie.contains(Stack.adminToken))

            let browser = try await stack.consoleSignIn()
            let page = try await stack.console(.GET, "/console", cookie: browser.cookie)
            #expect(page.status == 200)
            let policy = try #require(page.headers.first(name: "Content-Security-Policy"))
            #expect(policy.contains("default-src 'none'") && policy.contains("form-action 'self'") && policy.contains("frame-ancestors 'none'"))
            #expect(!policy.contains("script-src") && !policy.contains("unsafe"))
            #expect(page.headers.first(name: "Cache-Control") == "no-store")
            #expect(page.headers.first(name: "X-Frame-Options") == "DENY")

            // A form without the token, or with another session's, changes nothing.
            #expect(try await stack.console(.POST, "/console/dead/retry", cookie: browser.cookie, form: [:]).status == 403)
            let other = try await stack.consoleSignIn()
            #expect(try await stack.console(.POST, "/console/dead/retry", cookie: browser.cookie, form: ["csrf": other.csrf]).status == 403)
            let retried = try await stack.console(.POST, "/console/dead/retry", cookie: browser.cookie, form: ["csrf": browser.csrf])
            #expect(retried.status == 303)
            #expect(retried.headers.first(name: "Location") == "/console/dead?done=all-retried&jobs=0&callbacks=0")
            // Read-only pages refuse to change anything by GET.
            #expect(try await stack.console(.GET, "/console/dead/retry", cookie: browser.cookie).status != 303)

            // Signing out ends the session for good, here.
            #expect(try await stack.console(.POST, "/console/sign-out", cookie: browser.cookie, form: ["csrf": browser.csrf]).status == 200)
            #expect(try await stack.console(.GET, "/console", cookie: browser.cookie).status == 303)
            #expect(try await stack.console(.GET, "/console", cookie: other.cookie).status == 200)
        }
    }

    @Test func signInGoesOnlyToAConsolePage() {
        #expect(ConsoleRoutes.safeNext("/console/people?q=a") == "/console/people?q=a")
        for hostile in ["//evil.example/console", "https://evil.example", "/console\\@evil", "/v1/jobs", "/console/sign-out", nil] {
            #expect(ConsoleRoutes.safeNext(hostile) == "/console", "\(hostile ?? "nil")")
        }
    }

    @Test func sessionsExpireCannotBeForgedAndDieWithTheAdminToken() {
        let now = Date()
        let sessions = ConsoleSessions(adminToken: Secret("admin-token-one-admin-token-one"), lifetimeMinutes: 60)
        let (session, cookie) = sessions.open(now: now)
        #expect(sessions.session(fromCookie: cookie, now: now.addingTimeInterval(3599)) == session)
        #expect(sessions.session(fromCookie: cookie, now: now.addingTimeInterval(3601)) == nil)
        // The expiry is signed: a later one is not accepted.
        let parts = cookie.split(separator: ".").map(String.init)
        let extended = [parts[0], String(Int(parts[1])! + 86_400), parts[2], parts[3]].joined(separator: ".")
        #expect(sessions.session(fromCookie: extended, now: now) == nil)
        #expect(sessions.session(fromCookie: String(cookie.dropLast()) + (cookie.hasSuffix("0") ? "1" : "0"), now: now) == nil)
        #expect(sessions.session(fromCookie: "v1.9999999999.\(parts[2]).", now: now) == nil)
        let rotated = ConsoleSessions(adminToken: Secret("admin-token-two-admin-token-two"), lifetimeMinutes: 60)
        #expect(rotated.session(fromCookie: cookie, now: now) == nil)
        #expect(!sessions.isValidCSRFToken(rotated.csrfToken(of: session), of: session))
        #expect(sessions.isValidCSRFToken(sessions.csrfToken(of: session), of: session))
        sessions.signOut(session, now: now)
        #expect(sessions.session(fromCookie: cookie, now: now) == nil)
    }

    @Test func namesFromHRAreShownAsTextNeverAsMarkup() async throws {
        try await Stack.with(.init { $0.routerOnly = true }) { stack in
            let markup = "<script>alert(1)</script>\"'&"
            let long = String(repeating: "Wolfeschlegelsteinhausenbergerdorff", count: 7)
            for (id, given, extra) in [
                ("evt-markup", markup, ["romanized_given_name": "eve", "romanized_family_name": "obrien"]),
                ("evt-rtl", "\u{202E}evoli", ["romanized_given_name": "iloveyou"]), ("evt-long", long, [:]),
            ] {
                let answer = try await stack.postWebhook(Stack.event(id, given: given, family: "O'Brien", userID: "ou_\(id)", extra: extra))
                #expect(answer.status == 202, "\(id): \(answer.json)")
            }
            let browser = try await stack.consoleSignIn()
            let results = try await stack.console(.GET, "/console/people?q=O%27Brien", cookie: browser.cookie)
            #expect(results.text.contains("3 people"))
            #expect(!results.text.contains("<script>"))
            #expect(results.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"))
            #expect(results.text.contains("<bdi>\u{202E}evoli O&#39;Brien</bdi>"), "a right-to-left override stays inside its own isolate")
            #expect(results.text.contains(long))
            let person = try await stack.console(.GET, "/console/person?source=workday&employee_id=E-evt-markup", cookie: browser.cookie)
            #expect(person.status == 200)
            #expect(!person.text.contains("<script>"))
            #expect(person.text.contains("<h1><bdi>&lt;script&gt;"))
            #expect(person.text.contains("eve.obrien@example.com"))
        }
    }

    @Test func noSecretReachesAPageOrTheCookie() async throws {
        try await Stack.with(.init { $0.routerOnly = true }) { stack in
            _ = try await stack.postWebhook(Stack.event("evt-secret"))
            let browser = try await stack.consoleSignIn()
            var pages: [String] = []
            for path in [
                "/console", "/console/people?q=E-evt-secret", "/console/person?source=workday&employee_id=E-evt-secret", "/console/dead",
                "/console/try",
            ] {
                let page = try await stack.console(.GET, path, cookie: browser.cookie)
                #expect(page.status == 200, "\(path)")
                pages.append(page.text)
            }
            let check = try await stack.console(
                .POST, "/console/try/payload", cookie: browser.cookie, form: ["csrf": browser.csrf, "source": "workday", "body": "{}", "headers": ""])
            pages.append(check.text)
            let secrets = [
                Stack.adminToken, stack.webhookSecret.standardWebhooksText, stack.callbackSecret.standardWebhooksText, Stack.appSecret,
                Stack.encryptKey, Stack.verificationToken,
            ]
            for secret in secrets {
                #expect(!pages.contains { $0.contains(secret) })
                #expect(!browser.cookie.contains(secret))
            }
        }
    }

    @Test func aDeadJobRetriedFromTheConsoleBinds() async throws {
        try await Stack.with(.init { $0.maxAttempts = 1 }) { stack in
            await stack.sandbox.state.inject([.error(httpStatus: 500, code: 190003, msg: "internal service error")])
            let answer = try await stack.postWebhook(Stack.event("evt-console-retry"))
            let jobID = try #require(answer.json["job_id"] as? String)
            let dead0 = try await stack.finishedJob(jobID)
            #expect((dead0["job"] as? [String: Any])?["status"] as? String == "dead")
            let browser = try await stack.consoleSignIn()
            let dead = try await stack.console(.GET, "/console/dead", cookie: browser.cookie)
            #expect(dead.text.contains("190003"))
            #expect(dead.text.contains("action=\"/console/jobs/\(jobID)/retry\""))
            let retry = try await stack.console(
                .POST, "/console/jobs/\(jobID)/retry", cookie: browser.cookie, form: ["csrf": browser.csrf, "job": jobID])
            #expect(retry.status == 303)
            #expect(retry.headers.first(name: "Location")?.hasSuffix("&done=job-retried#job-\(jobID)") == true)
            let bound = try await stack.finishedJob(jobID)
            #expect((bound["job"] as? [String: Any])?["status"] as? String == "succeeded")
            // Retrying what is not dead is refused with the reason, as an HTML page.
            let again = try await stack.console(.POST, "/console/jobs/\(jobID)/retry", cookie: browser.cookie, form: ["csrf": browser.csrf])
            #expect(again.status == 409)
            #expect(again.text.contains("only dead or failed ones can be retried"))
            let person = try await stack.console(.GET, "/console/jobs/\(jobID)", cookie: browser.cookie)
            #expect(person.status == 303)
        }
    }
}
