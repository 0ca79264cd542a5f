// ConsolePages: what each console page shows, as plain values the templates render (no logic in the templates).

import Foundation
import HireBindCore
import JobStore
import MailboxNaming

/// The values every page's layout reads.
struct ConsoleChrome {
    var csrf: String
    var overview = false
    var people = false
    var dead = false
    var `try` = false
}

/// How the console writes times and durations: UTC, to the second.
enum ConsoleFormat {
    static func time(_ date: Date?) -> String {
        guard let date else { return "" }
        return date.formatted(
            Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(
                .colon
            ).dateTimeSeparator(.space)) + " UTC"
    }

    static func duration(_ seconds: Double) -> String {
        seconds < 1 ? "\(Int((seconds * 1000).rounded())) ms" : String(format: "%.1f s", seconds)
    }

    static func shortID(_ id: String) -> String { String(id.prefix(8)) }

    /// `/console/person?…` of a job's person.
    static func personHref(_ job: BindJob) -> String {
        var components = URLComponents()
        components.path = "/console/person"
        components.queryItems = [URLQueryItem(name: "source", value: job.source), URLQueryItem(name: "employee_id", value: job.employeeID)]
        // `+` would read as a space: encode it too.
        return (components.string ?? "/console/people").replacingOccurrences(of: "+", with: "%2B")
    }

    static func name(_ job: BindJob) -> String {
        if let name = job.personName, !name.isEmpty { return name }
        return job.employeeID
    }
}

/// A naming trace as the person page and the preview show it.
struct TraceView {
    struct Step {
        var candidate: String
        var origin: String
        var outcome: String
    }

    var ruleSet: String
    var family: String
    var given: String
    var notes: [String]
    var hasNotes: Bool
    var steps: [Step]
    var directory: String?

    init(_ trace: NamingTrace) {
        ruleSet = trace.ruleSet
        family = trace.familyRomanized
        given = trace.givenRomanized
        notes = trace.notes
        hasNotes = !notes.isEmpty
        steps = trace.steps.map { Step(candidate: $0.candidate ?? "—", origin: $0.origin, outcome: $0.outcome) }
    }

    /// The trace as a job stores it (JSON): its rule set, names, steps, and what the mailbox directory answered.
    init?(_ json: JSONValue?) {
        guard let json, case .object(let object) = json,
            let data = try? JSONEncoder().encode(json), let trace = try? JSONDecoder().decode(NamingTrace.self, from: data)
        else { return nil }
        self.init(trace)
        if let directory = object["mailbox_directory"] ?? object["directory"] {
            self.directory = (try? JSONEncoder().encode(directory)).map { String(decoding: $0, as: UTF8.self) }
        }
    }
}

struct OverviewPage {
    struct Count {
        var name: String
        var count: Int
    }

    struct Fact {
        var term: String
        var value: String
    }

    struct Login {
        /// A status class: `ready`, `not-ready` or `pending`.
        var state: String
        var headline: String
        var facts: [Fact]
        var problem: String?
        var canLogIn: Bool
        var redirectURI: String
    }

    struct RecentError {
        var at: String
        var jobID: String
        var jobShort: String
        var code: String
        var message: String
    }

    var title = "Overview"
    var chrome: ConsoleChrome
    var flash: String?
    var ready: Bool
    var notReady: String?
    var login: Login
    var callsLastMinute: Int
    var jobCounts: [Count]
    var callbackCounts: [Count]
    var recentErrors: [RecentError]
    var hasRecentErrors: Bool

    init(chrome: ConsoleChrome, flash: String?, notReady: String?, login: Login, overview: StoreOverview) {
        self.chrome = chrome
        self.flash = flash
        self.ready = notReady == nil
        self.notReady = notReady
        self.login = login
        callsLastMinute = overview.callsLastMinute
        jobCounts = JobStatus.allCases.map { Count(name: $0.rawValue, count: overview.jobs[$0] ?? 0) }
        callbackCounts = CallbackStatus.allCases.map { Count(name: $0.rawValue, count: overview.callbacks[$0] ?? 0) }
        recentErrors = overview.recentFailures.map {
            RecentError(
                at: ConsoleFormat.time($0.at), jobID: $0.jobID, jobShort: ConsoleFormat.shortID($0.jobID), code: $0.failure.code,
                message: $0.failure.message)
        }
        hasRecentErrors = !recentErrors.isEmpty
    }
}

struct PeoplePage {
    struct Result {
        var href: String
        var name: String
        var source: String
        var employeeID: String
        var address: String
        var kind: String
        var status: String
    }

    var title = "People"
    var chrome: ConsoleChrome
    var flash: String?
    var query: String
    var searched: Bool
    var resultsHeading: String
    var results: [Result]
    var hasResults: Bool

    /// One row per person (source and employee id), their newest job first.
    init(chrome: ConsoleChrome, query: String, jobs: [BindJob], limit: Int) {
        self.chrome = chrome
        self.query = query
        searched = !query.isEmpty
        var seen = Set<String>()
        results = jobs.compactMap { job in
            guard seen.insert(job.source + "\u{0}" + job.employeeID).inserted else { return nil }
            return Result(
                href: ConsoleFormat.personHref(job), name: ConsoleFormat.name(job), source: job.source, employeeID: job.employeeID,
                address: job.exchangeAccount, kind: job.kind.rawValue, status: job.status.rawValue)
        }
        hasResults = !results.isEmpty
        resultsHeading =
            results.isEmpty
            ? "No one matches"
            : "\(results.count) \(results.count == 1 ? "person" : "people")\(jobs.count >= limit ? " (the newest \(limit) jobs searched; narrow the search)" : "")"
    }
}

struct PersonPage {
    struct Event {
        var at: String
        var source: String
        var eventID: String
    }

    struct Call {
        var number: Int
        var startedAt: String
        var took: String
        var outcome: String
        var failure: JobFailure?
        var logID: String
    }

    struct Sync {
        var at: String
        var status: String
    }

    struct Callback {
        struct Delivery {
            var attempt: Int
            var at: String
            var delivered: Bool
            var answer: String
        }

        var id: Int64
        var jobID: String
        var status: String
        var messageID: String
        var url: String
        var createdAt: String
        var retryable: Bool
        var deliveries: [Delivery]
        var hasDeliveries: Bool
    }

    struct Job {
        var id: String
        var kindTitle: String
        var status: String
        var receivedAt: String
        var address: String?
        var feishuUserID: String?
        var bindingID: String?
        var syncStatus: String?
        var attempts: Int
        var outcomeUnknown: Bool
        var targetJobID: String?
        var lastError: JobFailure?
        var retryable: Bool
        var eventID: String
        var events: [Event]
        var hasEvents: Bool
        var trace: TraceView?
        var sync: [Sync]
        var hasSync: Bool
        var calls: [Call]
        var hasCalls: Bool
        var callbacks: [Callback]
    }

    /// What the store holds about one job.
    struct JobHistory {
        var job: BindJob
        var intakes: [IntakeRecord]
        var attempts: [JobAttempt]
        var sync: [SyncObservation]
        var callbacks: [CallbackHistory]
    }

    var title: String
    var chrome: ConsoleChrome
    var flash: String?
    var name: String
    var source: String
    var employeeID: String
    var address: String?
    var jobCount: Int
    var jobs: [Job]

    init(chrome: ConsoleChrome, flash: String?, histories: [JobHistory]) {
        self.chrome = chrome
        self.flash = flash
        let newest = histories[0].job
        name = histories.lazy.compactMap(\.job.personName).first { !$0.isEmpty } ?? newest.employeeID
        title = name
        source = newest.source
        employeeID = newest.employeeID
        address = histories.first { $0.job.kind == .bind }?.job.exchangeAccount
        jobCount = histories.count
        jobs = histories.map(Self.job)
    }

    static func job(_ history: JobHistory) -> Job {
        let job = history.job
        let kindTitle =
            switch job.kind {
            case .bind: "Bind"
            case .unbind: "Unbind"
            case .readPerson: "Read the person"
            case .refused: "Refused"
            }
        let events = history.intakes.map { Event(at: ConsoleFormat.time($0.receivedAt), source: $0.source, eventID: $0.eventID) }
        let calls = history.attempts.map {
            Call(
                number: $0.number, startedAt: ConsoleFormat.time($0.startedAt),
                took: ConsoleFormat.duration($0.finishedAt.timeIntervalSince($0.startedAt)),
                outcome: $0.outcome.rawValue, failure: $0.failure, logID: $0.logID ?? "")
        }
        let sync = history.sync.map { Sync(at: ConsoleFormat.time($0.at), status: $0.status ?? "(the look failed)") }
        let callbacks = history.callbacks.map { entry in
            let deliveries = entry.deliveries.map {
                Callback.Delivery(attempt: $0.attempt, at: ConsoleFormat.time($0.at), delivered: $0.delivered, answer: $0.answer)
            }
            return Callback(
                id: entry.callback.id, jobID: entry.callback.jobID, status: entry.callback.status.rawValue, messageID: entry.messageID,
                url: entry.callback.url,
                createdAt: ConsoleFormat.time(entry.createdAt), retryable: entry.callback.status == .dead, deliveries: deliveries,
                hasDeliveries: !deliveries.isEmpty)
        }
        return Job(
            id: job.id, kindTitle: kindTitle, status: job.status.rawValue, receivedAt: ConsoleFormat.time(job.receivedAt),
            address: job.exchangeAccount.isEmpty ? nil : job.exchangeAccount, feishuUserID: job.feishuUserID.isEmpty ? nil : job.feishuUserID,
            bindingID: job.bindingID, syncStatus: job.syncStatus, attempts: job.attempts, outcomeUnknown: job.outcomeUnknown,
            targetJobID: job.targetJobID, lastError: job.lastError, retryable: job.status == .dead || job.status == .failed, eventID: job.eventID,
            events: events, hasEvents: !events.isEmpty, trace: TraceView(job.namingTrace), sync: sync, hasSync: !sync.isEmpty, calls: calls,
            hasCalls: !calls.isEmpty, callbacks: callbacks)
    }
}

struct DeadPage {
    struct JobRow {
        var id: String
        var shortID: String
        var personHref: String
        var name: String
        var address: String
        var kind: String
        var status: String
        var attempts: Int
        var lastError: JobFailure?

        init(_ job: BindJob) {
            id = job.id
            shortID = ConsoleFormat.shortID(job.id)
            personHref = ConsoleFormat.personHref(job)
            name = ConsoleFormat.name(job)
            address = job.exchangeAccount
            kind = job.kind.rawValue
            status = job.status.rawValue
            attempts = job.attempts
            lastError = job.lastError
        }
    }

    struct CallbackRow {
        var id: Int64
        var jobID: String
        var url: String
        var attempts: Int
        var lastError: String
    }

    var title = "Dead and waiting"
    var chrome: ConsoleChrome
    var flash: String?
    var `operator`: JobFailure?
    var deadJobs: [JobRow]
    var hasDead: Bool
    var deadCallbacks: [CallbackRow]
    var hasDeadCallbacks: Bool
    var waiting: [JobRow]
    var hasWaiting: Bool

    init(chrome: ConsoleChrome, flash: String?, operatorProblem: JobFailure?, dead: [BindJob], callbacks: [CallbackRecord], waiting: [BindJob]) {
        self.chrome = chrome
        self.flash = flash
        self.operator = operatorProblem
        deadJobs = dead.map(JobRow.init)
        hasDead = !deadJobs.isEmpty
        deadCallbacks = callbacks.map { CallbackRow(id: $0.id, jobID: $0.jobID, url: $0.url, attempts: $0.attempts, lastError: $0.lastError ?? "") }
        hasDeadCallbacks = !deadCallbacks.isEmpty
        self.waiting = waiting.map(JobRow.init)
        hasWaiting = !self.waiting.isEmpty
    }
}

struct TryPage {
    /// The naming form's fields, echoed back into the form.
    struct NamingForm: Decodable {
        var familyName: String?
        var givenName: String?
        var fullName: String?
        var romanizedFamilyName: String?
        var romanizedGivenName: String?
        var company: String?
        var department: String?
        var location: String?
        var employmentType: String?

        enum CodingKeys: String, CodingKey {
            case company, department, location
            case familyName = "family_name"
            case givenName = "given_name"
            case fullName = "full_name"
            case romanizedFamilyName = "romanized_family_name"
            case romanizedGivenName = "romanized_given_name"
            case employmentType = "employment_type"
        }

        var personName: PersonName {
            PersonName(
                given: givenName ?? "", family: familyName ?? "", fullName: fullName.flatMap { $0.isEmpty ? nil : $0 },
                romanizedGiven: romanizedGivenName.flatMap { $0.isEmpty ? nil : $0 },
                romanizedFamily: romanizedFamilyName.flatMap { $0.isEmpty ? nil : $0 })
        }

        var attributes: EmployeeAttributes {
            func value(_ text: String?) -> String? { text.flatMap { $0.isEmpty ? nil : $0 } }
            return EmployeeAttributes(
                company: value(company), department: value(department), location: value(location), employmentType: value(employmentType))
        }
    }

    struct PayloadForm: Decodable {
        var source: String
        var headers: String?
        var body: String?
    }

    struct Naming {
        var address: String?
        var refusal: String?
        var trace: TraceView?

        init(_ preview: NamingPreview) {
            address = preview.exchangeAccount
            refusal = preview.error
            trace = preview.trace.map(TraceView.init)
        }
    }

    struct Check {
        var signature: String
        var outcome: String
        var reason: String?
        var note: String?
        var fields: [Field]
        var hasFields: Bool
        var address: String?
        var namingRefusal: String?

        struct Field {
            var field: String
            var value: String
            var from: String
        }

        init(_ check: ConnectorCheck) {
            signature = check.signature
            outcome = check.outcome
            reason = check.reason
            note = check.note
            fields = check.fields.map { Field(field: $0.field, value: $0.value ?? "—", from: $0.from) }
            hasFields = !fields.isEmpty
            address = check.naming?.exchangeAccount
            namingRefusal = check.naming?.error
        }
    }

    struct Source {
        var name: String
        var scheme: String
        var selected: Bool
    }

    var title = "Try it"
    var chrome: ConsoleChrome
    var flash: String?
    var form: NamingForm?
    var naming: Naming?
    var sources: [Source]
    var hasSources: Bool
    var payload: PayloadForm?
    var check: Check?

    init(
        chrome: ConsoleChrome, sources: [(name: String, scheme: String)], form: NamingForm? = nil, naming: Naming? = nil,
        payload: PayloadForm? = nil, check: Check? = nil
    ) {
        self.chrome = chrome
        self.sources = sources.map { Source(name: $0.name, scheme: $0.scheme, selected: $0.name == payload?.source) }
        hasSources = !sources.isEmpty
        self.form = form
        self.naming = naming
        self.payload = payload
        self.check = check
    }
}

/// The sign-in page, and the page of a message (signed out, an error, the Feishu login's end).
struct SignInPage {
    var title = "Sign in"
    var chrome: ConsoleChrome?
    var flash: String?
    var problem: String?
    var sessionHours: String
    /// The console page to go to once signed in.
    var next: String = "/console"
}

struct MessagePage {
    struct Link {
        var href: String
        var label: String
    }

    var title: String
    var chrome: ConsoleChrome?
    var flash: String?
    var heading: String
    var text: String
    var isProblem: Bool
    var next: Link?
}
