// ConsoleRoutes: the admin console under /console on the admin listener: sign-in, pages, retries, previews.

import Foundation
import HTTPTypes
import HireBindCore
import Hummingbird
import JobStore
import Logging
import MailboxNaming
import Secrets
import Synchronization
import WebhookSignature

/// The console: server-rendered pages that work without JavaScript. Pages only read; every change is a POST
/// form behind the session and its CSRF token (``ConsoleSessionMiddleware``). Sign-in takes the admin token once,
/// through the same per-client failure limit as the admin API.
struct ConsoleRoutes: Sendable {
    let configuration: HireBindConfiguration
    let secrets: ServiceSecrets
    let store: any HireBindStore
    let namer: MailboxNamer
    let readiness: Readiness
    let jobBell: Doorbell
    let callbackBell: Doorbell
    /// Nil where the service has no HTTP client (router-only tests) or no app credentials: no login button then.
    let login: FeishuLogin?
    let failures: ClientFailureLimiter
    let metrics: HireBindMetrics
    let templates: ConsoleTemplates = .bundled

    /// How many rows a list or a bulk retry takes at most.
    static let listLimit = 200
    /// A Feishu login started from the console must come back within this.
    static let loginSeconds: TimeInterval = 600

    func addRoutes<Context: ConsoleRequestContext>(to router: Router<Context>) {
        let console = router.group("/console").add(middleware: ConsoleHeadersMiddleware<Context>(templates: templates))
        guard configuration.admin.console.enabled else {
            console.get("**") { _, _ -> Response in
                throw APIError(.notFound, code: "console_disabled", message: "The console is turned off (admin.console.enabled).")
            }
            return
        }
        console.get("assets/console.css") { _, _ in ConsoleTemplates.asset(templates.stylesheet, type: "text/css; charset=utf-8") }
        console.get("assets/favicon.svg") { _, _ in ConsoleTemplates.asset(templates.icon, type: "image/svg+xml") }
        guard let token = secrets.adminToken else {
            console.get("**") { _, _ -> Response in
                throw APIError(.unauthorized, code: "admin_disabled", message: "The console needs admin.token to be configured.")
            }
            return
        }
        let sessions = ConsoleSessions(adminToken: token, lifetimeMinutes: configuration.admin.console.sessionMinutes)
        addSignIn(to: console, sessions: sessions, token: token)
        // The redirect back from Feishu carries no session cookie when Feishu is another site (SameSite=Strict):
        // its `state`, issued to a session and signed, stands for it.
        console.get("feishu/callback") { request, context in try await feishuCallback(request, context: context, sessions: sessions) }
        let pages = console.add(middleware: ConsoleSessionMiddleware<Context>(sessions: sessions, maxFormBytes: configuration.server.maxBodyBytes))
        addPages(to: pages)
        addActions(to: pages, sessions: sessions)
    }

    // MARK: sign-in

    func addSignIn<Context: ConsoleRequestContext>(to console: RouterGroup<Context>, sessions: ConsoleSessions, token: Secret) {
        console.get("sign-in") { request, _ in
            templates.render(
                "sign-in",
                SignInPage(
                    sessionHours: Self.hours(configuration.admin.console.sessionMinutes), next: Self.safeNext(request.uri.queryParameters.get("next"))
                ))
        }
        console.post("sign-in") { request, context in
            let client = context.clientAddress
            try failures.refuseWhileLockedOut(client, listener: "admin", failures: "sign-ins", metrics: metrics)
            var request = request
            let body = try await request.collectBody(upTo: 16 * 1024)
            let fields = ConsoleForm.fields(String(buffer: body))
            let presented = fields["token"] ?? ""
            guard ConstantTime.equals(Array(presented.utf8), Array(token.value.utf8)) else {
                failures.recordFailure(client)
                metrics.authFailure(listener: "admin", reason: "console_sign_in")
                context.logger.notice("console sign-in refused", metadata: ["client": "\(client)"])
                var page = SignInPage(sessionHours: Self.hours(configuration.admin.console.sessionMinutes), next: Self.safeNext(fields["next"]))
                page.problem = presented.isEmpty ? "Enter the admin token." : "That is not the admin token."
                return templates.render("sign-in", page, status: .unauthorized)
            }
            let (session, cookie) = sessions.open(now: Date())
            context.logger.info("console sign-in", metadata: ["client": "\(client)"])
            var response = Response(status: .seeOther, headers: [.location: Self.safeNext(fields["next"])])
            response.setCookie(sessionCookie(cookie, expires: session.expiresAt, request: request))
            return response
        }
    }

    func sessionCookie(_ value: String, expires: Date?, request: Request) -> Cookie {
        let secure: Bool =
            switch configuration.admin.console.secureCookie {
            case .always: true
            case .never: false
            case .auto: request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
            }
        let maxAge = expires.map { max(0, Int($0.timeIntervalSinceNow)) } ?? 0
        return Cookie(
            name: ConsoleSessions.cookieName, value: value, expires: expires ?? Date(timeIntervalSince1970: 0), maxAge: maxAge, path: "/console",
            secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// Only a console path is a place to go after signing in (never another host).
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/console"), !next.hasPrefix("//"), !next.contains("\\"), !next.contains("/console/sign-")
        else { return "/console" }
        return next
    }

    static func hours(_ minutes: Double) -> String {
        let hours = minutes / 60
        return hours == hours.rounded() ? "\(Int(hours))" : String(format: "%.1f", hours)
    }

    // MARK: pages (read only)

    func addPages<Context: ConsoleRequestContext>(to pages: RouterGroup<Context>) {
        pages.get { request, context in try await overview(request, context: context) }
        pages.get("people") { request, context in
            let query = String((request.uri.queryParameters.get("q") ?? "").trimmingCharacters(in: .whitespaces).prefix(200))
            let jobs = query.isEmpty ? [] : try await store.searchJobs(matching: query, limit: Self.listLimit)
            return templates.render(
                "people", PeoplePage(chrome: chrome(context, people: true), query: query, jobs: jobs, limit: Self.listLimit))
        }
        pages.get("person") { request, context in
            let query = request.uri.queryParameters
            guard let source = query.get("source"), let employeeID = query.get("employee_id") else {
                throw APIError(.badRequest, code: "missing_person", message: "Say which person: ?source=…&employee_id=…")
            }
            return try await person(source: source, employeeID: employeeID, context: context, flash: flash(request))
        }
        pages.get("jobs/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            guard let job = try await store.job(id: id) else {
                throw APIError(.notFound, code: "unknown_job", message: "No job has the id '\(id.prefix(64))'.")
            }
            return Response(status: .seeOther, headers: [.location: ConsoleFormat.personHref(job) + "#job-\(job.id)"])
        }
        pages.get("dead") { request, context in
            let dead = try await store.jobs(status: .dead, limit: Self.listLimit) + store.jobs(status: .failed, limit: Self.listLimit)
            let page = DeadPage(
                chrome: chrome(context, dead: true), flash: flash(request), operatorProblem: readiness.health.operatorAttention,
                dead: dead.sorted { ($0.receivedAt ?? .distantPast) > ($1.receivedAt ?? .distantPast) },
                callbacks: try await store.callbacks(status: .dead, limit: Self.listLimit),
                waiting: try await store.waitingJobs(limit: Self.listLimit))
            return templates.render("dead", page)
        }
        pages.get("try") { _, context in
            templates.render("try", TryPage(chrome: chrome(context, try: true), sources: payloadSources))
        }
        pages.get("feishu/login") { request, context in
            guard let login else {
                throw APIError(
                    .conflict, code: "login_unavailable",
                    message:
                        "This service cannot run the Feishu login: configure feishu.app_id and feishu.app_secret (or use a fixed feishu.user_access_token)."
                )
            }
            let state = loginState(now: Date())
            return Response(status: .seeOther, headers: [.location: login.authorizeURL(state: state, redirectURI: try loginRedirectURI(request))])
        }
    }

    func overview(_ request: Request, context: some ConsoleRequestContext) async throws -> Response {
        var notReady: String?
        do {
            try await readiness.check()
        } catch let error as APIError {
            notReady = error.message
        }
        let page = OverviewPage(
            chrome: chrome(context, overview: true), flash: flash(request), notReady: notReady, login: try await loginView(request),
            overview: try await store.overview(now: Date()))
        return templates.render("overview", page)
    }

    func loginView(_ request: Request) async throws -> OverviewPage.Login {
        let redirect = (try? loginRedirectURI(request)) ?? ""
        if secrets.feishuUserAccessToken != nil {
            return .init(
                state: "ready", headline: "fixed token",
                facts: [.init(term: "Token", value: "feishu.user_access_token from the configuration; never refreshed")],
                problem: nil, canLogIn: false, redirectURI: redirect)
        }
        let canLogIn = login != nil
        guard let stored = try await store.userToken() else {
            return .init(
                state: "not-ready", headline: "not logged in", facts: [],
                problem: "No tenant super admin has logged in: bind jobs wait until one does.", canLogIn: canLogIn, redirectURI: redirect)
        }
        var facts: [OverviewPage.Fact] = [
            .init(term: "Access token valid until", value: ConsoleFormat.time(stored.pair.accessExpiresAt)),
            .init(term: "Refresh token valid until", value: stored.pair.refreshExpiresAt.map(ConsoleFormat.time) ?? "no refresh token"),
            .init(term: "Last stored", value: ConsoleFormat.time(stored.updatedAt)),
            .init(term: "Refreshes so far", value: "\(max(0, stored.generation - 1))"),
        ]
        if let scope = stored.pair.scope { facts.append(.init(term: "Scopes", value: scope)) }
        let now = Date()
        if let dead = stored.deadReason {
            return .init(
                state: "not-ready", headline: "login lost", facts: facts, problem: "The refresh failed for good: \(dead). Log in again.",
                canLogIn: canLogIn, redirectURI: redirect)
        }
        if let refreshExpiry = stored.pair.refreshExpiresAt, refreshExpiry <= now {
            return .init(
                state: "not-ready", headline: "login expired", facts: facts, problem: "The refresh token has expired. Log in again.",
                canLogIn: canLogIn, redirectURI: redirect)
        }
        let attention = readiness.health.operatorAttention.map { "\($0.code): \($0.message). \($0.hint)" }
        return .init(
            state: attention == nil ? "ready" : "not-ready", headline: attention == nil ? "alive" : "refused", facts: facts, problem: attention,
            canLogIn: canLogIn, redirectURI: redirect)
    }

    func person(source: String, employeeID: String, context: some ConsoleRequestContext, flash: String?) async throws -> Response {
        let jobs = try await store.jobs(source: source, employeeID: employeeID)
        guard !jobs.isEmpty else {
            throw APIError(
                .notFound, code: "unknown_person", message: "No job of source '\(source.prefix(64))' names employee '\(employeeID.prefix(64))'.")
        }
        var histories: [PersonPage.JobHistory] = []
        for job in jobs.prefix(Self.listLimit) {
            histories.append(
                .init(
                    job: job, intakes: try await store.intakes(jobID: job.id), attempts: try await store.attempts(jobID: job.id),
                    sync: try await store.syncObservations(jobID: job.id), callbacks: try await store.callbacks(jobID: job.id)))
        }
        return templates.render("person", PersonPage(chrome: chrome(context), flash: flash, histories: histories))
    }

    // MARK: actions (POST, behind the CSRF check)

    func addActions<Context: ConsoleRequestContext>(to pages: RouterGroup<Context>, sessions: ConsoleSessions) {
        pages.post("sign-out") { request, context in
            if let session = context.consoleSession { sessions.signOut(session.session, now: Date()) }
            var response = templates.render(
                "message",
                MessagePage(
                    title: "Signed out", heading: "Signed out", text: "The session is closed.", isProblem: false,
                    next: .init(href: "/console/sign-in", label: "Sign in again")))
            response.setCookie(sessionCookie("", expires: nil, request: request))
            return response
        }
        pages.post("jobs/:id/retry") { request, context in
            let id = context.parameters.get("id") ?? ""
            try AdminRoutes.check(try await store.requeueJob(id: id, now: Date()), what: "job", id: id)
            jobBell.ring()
            context.logger.notice("job retried from the console", metadata: ["job_id": "\(id)"])
            return try await back(request, done: "job-retried")
        }
        pages.post("callbacks/:id/retry") { request, context in
            let text = context.parameters.get("id") ?? ""
            guard let id = Int64(text) else {
                throw APIError(.notFound, code: "unknown_callback", message: "No callback has the id '\(text.prefix(32))'.")
            }
            try AdminRoutes.check(try await store.requeueCallback(id: id, now: Date()), what: "callback", id: text)
            callbackBell.ring()
            context.logger.notice("callback retried from the console", metadata: ["callback_id": "\(id)"])
            return try await back(request, done: "callback-retried")
        }
        pages.post("dead/retry") { request, context in
            var jobs = 0
            var callbacks = 0
            let now = Date()
            for job in try await store.jobs(status: .dead, limit: Self.listLimit) where try await store.requeueJob(id: job.id, now: now) == .requeued
            {
                jobs += 1
            }
            for callback in try await store.callbacks(status: .dead, limit: Self.listLimit)
            where try await store.requeueCallback(id: callback.id, now: now) == .requeued {
                callbacks += 1
            }
            if jobs > 0 { jobBell.ring() }
            if callbacks > 0 { callbackBell.ring() }
            context.logger.notice("dead work retried from the console", metadata: ["jobs": "\(jobs)", "callbacks": "\(callbacks)"])
            return Response(status: .seeOther, headers: [.location: "/console/dead?done=all-retried&jobs=\(jobs)&callbacks=\(callbacks)"])
        }
        pages.post("try/naming") { request, context in
            let form = try await ConsoleForm.decode(TryPage.NamingForm.self, from: request, limit: 64 * 1024)
            let previewer = NamingPreviewer(namer: namer, store: store, defaultAdminAccount: configuration.feishu.adminAccount)
            var taken: Set<String> = []
            let preview = try await previewer.preview(form.personName, attributes: form.attributes, alsoTaken: &taken)
            return templates.render(
                "try", TryPage(chrome: chrome(context, try: true), sources: payloadSources, form: form, naming: .init(preview)))
        }
        pages.post("try/payload") { request, context in
            let form = try await ConsoleForm.decode(TryPage.PayloadForm.self, from: request, limit: configuration.server.maxBodyBytes)
            guard payloadSources.contains(where: { $0.name == form.source }) else {
                throw APIError(.badRequest, code: "unknown_source", message: "No HR source is named '\(form.source.prefix(64))'.")
            }
            let headers = Self.headerLines(form.headers ?? "")
            let check = try await ConnectorCheck.run(
                configuration: configuration, source: form.source, body: Array((form.body ?? "").utf8), headers: headers,
                signingSecrets: { secrets.sourceSecrets[form.source] ?? [] }, store: store)
            return templates.render(
                "try", TryPage(chrome: chrome(context, try: true), sources: payloadSources, payload: form, check: .init(check)))
        }
    }

    /// After a retry: back to the person's page when the form came from there (its `job` field), else to the
    /// dead list.
    func back(_ request: Request, done: String) async throws -> Response {
        var request = request
        // The session middleware collected the form already; this reads the same bytes.
        let fields = ConsoleForm.fields(String(buffer: try await request.collectBody(upTo: 64 * 1024)))
        if let jobID = fields["job"], let job = try await store.job(id: jobID) {
            return Response(status: .seeOther, headers: [.location: ConsoleFormat.personHref(job) + "&done=\(done)#job-\(job.id)"])
        }
        return Response(status: .seeOther, headers: [.location: "/console/dead?done=\(done)"])
    }

    /// What a redirect's `done=` says, in the console's words (never the query's own text).
    func flash(_ request: Request) -> String? {
        let query = request.uri.queryParameters
        switch query.get("done") {
        case "job-retried": return "The job is queued again; a worker takes it within moments."
        case "callback-retried": return "The callback is queued for delivery again."
        case "all-retried":
            let jobs = Int(query.get("jobs") ?? "") ?? 0
            let callbacks = Int(query.get("callbacks") ?? "") ?? 0
            return "Queued again: \(jobs) \(jobs == 1 ? "job" : "jobs") and \(callbacks) \(callbacks == 1 ? "callback" : "callbacks")."
        case "feishu-login": return "The Feishu login is stored; the service uses and refreshes it from now on."
        default: return nil
        }
    }

    func chrome(
        _ context: some ConsoleRequestContext, overview: Bool = false, people: Bool = false, dead: Bool = false, try: Bool = false
    )
        -> ConsoleChrome
    {
        ConsoleChrome(csrf: context.consoleSession?.csrf ?? "", overview: overview, people: people, dead: dead, try: `try`)
    }

    /// The sources whose payloads the tester checks: HR webhooks (Feishu's events come encrypted from the sandbox).
    var payloadSources: [(name: String, scheme: String)] {
        configuration.sources.filter { $0.value.scheme != .feishuEvents }.keys.sorted().map { ($0, configuration.sources[$0]!.scheme.rawValue) }
    }

    /// `Name: value` lines, as the payload tester's form takes them.
    static func headerLines(_ text: String) -> HeaderLookup {
        var fields: [(String, String)] = []
        for line in text.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { continue }
            fields.append((name, line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        return HeaderLookup(fields)
    }

    // MARK: the Feishu login from the browser

    /// `<expiry>.<random>.<mac>`: issued only on a signed-in page, good once, for ``loginSeconds``.
    func loginState(now: Date) -> String {
        var generator = SystemRandomNumberGenerator()
        let nonce = Hex.encode((0..<12).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let body = "\(Int64(now.timeIntervalSince1970 + Self.loginSeconds)).\(nonce)"
        return body + "." + loginMAC(body)
    }

    func loginMAC(_ body: String) -> String {
        let key = HMACSHA256.authenticationCode(key: Array((secrets.adminToken?.value ?? "").utf8), message: Array("hirebind console login v1".utf8))
        return Hex.encode(HMACSHA256.authenticationCode(key: key, message: Array(body.utf8)))
    }

    func feishuCallback(_ request: Request, context: some ConsoleRequestContext, sessions: ConsoleSessions) async throws -> Response {
        let query = request.uri.queryParameters
        if let error = query.get("error") {
            throw APIError(.badRequest, code: "login_refused", message: "Feishu did not authorize the login (\(error.prefix(100))).")
        }
        guard let login else { throw APIError(.conflict, code: "login_unavailable", message: "This service cannot run the Feishu login.") }
        guard let state = query.get("state"), let code = query.get("code"), !code.isEmpty, validLoginState(state, now: Date()) else {
            throw APIError(
                .badRequest, code: "login_state",
                message: "This link does not belong to a login started from this console, or it is older than 10 minutes. Start the login again.")
        }
        let stored: StoredUserToken
        do {
            stored = try await login.complete(code: code, redirectURI: try loginRedirectURI(request))
        } catch {
            context.logger.warning("console Feishu login failed", metadata: ["error": "\(error)"])
            throw APIError(.badGateway, code: "login_failed", message: "Feishu did not complete the login: \(error)")
        }
        readiness.health.credentialsWork()
        jobBell.ring()
        context.logger.notice("Feishu login stored from the console", metadata: ["generation": "\(stored.generation)"])
        return templates.render(
            "message",
            MessagePage(
                title: "Feishu login stored", heading: "Logged in to Feishu",
                text:
                    "The tenant super admin's token is stored, valid until \(ConsoleFormat.time(stored.pair.accessExpiresAt)); the service refreshes it from now on.",
                isProblem: false, next: .init(href: "/console?done=feishu-login", label: "Back to the overview")))
    }

    private static let usedLoginStates = UsedLoginStates()

    func validLoginState(_ state: String, now: Date) -> Bool {
        let parts = state.split(separator: ".")
        guard parts.count == 3, let expiry = Double(parts[0]), expiry > now.timeIntervalSince1970 else { return false }
        let body = "\(parts[0]).\(parts[1])"
        guard ConstantTime.equals(Array(loginMAC(body).utf8), Array(parts[2].utf8)) else { return false }
        return Self.usedLoginStates.use(body, until: expiry, now: now.timeIntervalSince1970)
    }

    /// The console's callback as the browser reaches it: `admin.console.login_redirect_uri`, else from `Host`.
    func loginRedirectURI(_ request: Request) throws -> String {
        let configured = configuration.admin.console.loginRedirectURI
        if !configured.isEmpty { return configured }
        guard let host = request.head.authority,
            host.allSatisfy({ $0.isLetter || $0.isNumber || ".-:[]".contains($0) }), !host.isEmpty
        else {
            throw APIError(.badRequest, code: "no_host", message: "The request has no usable Host header; set admin.console.login_redirect_uri.")
        }
        let secure = request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
        return "\(secure ? "https" : "http")://\(host)/console/feishu/callback"
    }
}

/// Login states already used, until they would have expired: a state is good once.
final class UsedLoginStates: Sendable {
    private let used = Mutex<[String: Double]>([:])

    func use(_ state: String, until expiry: Double, now: Double) -> Bool {
        used.withLock { used in
            used = used.filter { $0.value > now }
            guard used[state] == nil else { return false }
            used[state] = expiry
            return true
        }
    }
}
