// JobIntake: an accepted event becomes a job: dedupe, naming, one transaction, the workers woken.

public import Foundation
public import HireBindCore
public import JobStore
import MailboxNaming

/// Turns a verified, validated event into a job. Knows nothing of HTTP: the webhook route (and any later kind of
/// source) calls it and maps its ``Refusal`` to an answer.
public struct JobIntake: Sendable {
    let store: any IntakeLedger
    let assigner: MailboxAssigner
    /// The Feishu user id type the events' ids are of (`feishu.user_id_type`).
    let userIDType: String
    /// Where results go when the event names no callback URL; nil sends none.
    let defaultCallbackURL: String?
    let doorbell: Doorbell
    /// Each source's `rehire:`; a source not listed gives a rehire a new address.
    let rehirePolicies: [String: RehirePolicy]

    public init(
        store: any IntakeLedger, assigner: MailboxAssigner, userIDType: String, defaultCallbackURL: String?, doorbell: Doorbell,
        rehirePolicies: [String: RehirePolicy] = [:]
    ) {
        self.rehirePolicies = rehirePolicies
        self.store = store
        self.assigner = assigner
        self.userIDType = userIDType
        self.defaultCallbackURL = defaultCallbackURL
        self.doorbell = doorbell
    }

    /// Why an event cannot become a job; the message says what to send instead.
    public enum Refusal: Error, Sendable, Equatable {
        /// No rule set matches the employee's attributes.
        case noNamingRule(String)
        /// The name leaves nothing to build an address from, or needs a romanised form.
        case unusableName(String)
        /// Every candidate up to the limit is taken, reserved or never to be reused.
        case noFreeAddress(String)
        /// An offboarding event for an employee this source never had bound.
        case unknownEmployee(String)
    }

    /// The store could not read or write the event's effects (a full disk, an I/O error): nothing of it was
    /// kept, and the sender must send it again. The HTTP routes answer it with 503 `store_unavailable`.
    public struct StoreUnavailable: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Runs an intake's store work: a refusal stays a refusal; any other failure is the store's.
    func storing<T>(_ work: () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch let refusal as Refusal {
            throw refusal
        } catch let cancellation as CancellationError {
            throw cancellation
        } catch {
            throw StoreUnavailable(description: "the store could not write the event: \(error)")
        }
    }

    /// Where a job's results are posted.
    public enum ResultDestination: Sendable, Equatable {
        /// The event's `callback_url`, else `callbacks.default_url` (HR systems' sources).
        case eventOrDefault
        /// Only this URL, or nowhere (a Feishu event source has no HR callback of its own).
        case only(String?)
    }

    /// Enqueues the event's job, or returns the first job's receipt when the event was seen before. With
    /// `onePerPerson`, a hire of someone the source already bound returns that job's receipt (directory events,
    /// reconciliation and backfills name people, not hires).
    /// - Throws: ``Refusal`` for an event that cannot be carried out; store errors as they come.
    public func accept(
        _ event: NewHireEvent, source: String, resultsTo destination: ResultDestination = .eventOrDefault, onePerPerson: Bool = false,
        provenance: [String] = [], receivedAt: Date = Date()
    ) async throws -> EnqueueOutcome {
        try await storing {
            try await enqueue(
                event, source: source, resultsTo: destination, onePerPerson: onePerPerson, provenance: provenance, receivedAt: receivedAt)
        }
    }

    func enqueue(
        _ event: NewHireEvent, source: String, resultsTo destination: ResultDestination, onePerPerson: Bool, provenance: [String], receivedAt: Date
    ) async throws -> EnqueueOutcome {
        if let seen = try await store.receipt(source: source, eventID: event.eventID) {
            return .duplicate(seen)
        }
        let callbackURL: String? =
            switch destination {
            case .eventOrDefault: event.callbackURL ?? defaultCallbackURL
            case .only(let url): url
            }
        let outcome: EnqueueOutcome
        if event.eventType == NewHireEvent.terminatedType {
            do {
                outcome = try await store.enqueueUnbind(
                    NewUnbindJob(
                        source: source, eventID: event.eventID, employeeID: event.employee.employeeID, callbackURL: callbackURL,
                        receivedAt: receivedAt
                    )
                )
            } catch let error as UnknownEmployeeError {
                throw Refusal.unknownEmployee("\(error): nothing to unbind")
            }
        } else {
            outcome = try await enqueueBind(
                event, source: source, callbackURL: callbackURL, onePerPerson: onePerPerson, provenance: provenance, receivedAt: receivedAt)
        }
        if case .created = outcome { doorbell.ring() }
        return outcome
    }

    /// Keeps an event whose person cannot be bound as a failed job with the reason, so nothing is lost silently.
    public func recordRefusal(eventID: String, employeeID: String, source: String, failure: JobFailure) async throws -> EnqueueOutcome {
        try await storing {
            try await store.recordRefusal(source: source, eventID: eventID, employeeID: employeeID, failure: failure, receivedAt: Date())
        }
    }

    /// Stores an id-only event at once as a job that reads the person first (due after `delay`: the platform's
    /// reads lag its events); the answer promises no address yet.
    public func acceptRead(
        eventID: String, personID: String, source: String, callbackURL: String?, delay: Double, receivedAt: Date = Date()
    ) async throws -> EnqueueOutcome {
        let outcome = try await storing {
            try await store.enqueueRead(
                NewReadJob(
                    source: source, eventID: eventID, personID: personID, callbackURL: callbackURL, receivedAt: receivedAt,
                    notBefore: receivedAt.addingTimeInterval(delay)
                ))
        }
        if case .created = outcome { doorbell.ring() }
        return outcome
    }

    /// Names the new hire's mailbox and enqueues the bind job with it.
    func enqueueBind(
        _ event: NewHireEvent, source: String, callbackURL: String?, onePerPerson: Bool, provenance: [String], receivedAt: Date
    ) async throws -> EnqueueOutcome {
        let plan: MailboxPlan
        do {
            plan = try assigner.plan(for: event.employee)
        } catch .noRuleSet(let message) {
            throw Refusal.noNamingRule(message)
        } catch {
            throw Refusal.unusableName("\(error)")
        }
        let employee = event.employee
        func newJob(address: String, adminAccount: String, trace: NamingTrace, reclaiming former: String? = nil) -> NewBindJob {
            NewBindJob(
                source: source, eventID: event.eventID, employeeID: employee.employeeID, feishuUserID: employee.feishuUserID,
                lookupEmail: employee.email, lookupMobile: employee.mobile, exchangeAccount: address, adminAccount: adminAccount,
                userIDType: userIDType, callbackURL: callbackURL, namingTrace: trace.recorded, personName: employee.displayName,
                receivedAt: receivedAt, unlessBound: onePerPerson, reclaimsAddressOf: former)
        }
        // A rehire, where the source says so, gets back the address that stayed reserved to them. Should another
        // intake of the same person move it first, the usual path below finds that person's job.
        if rehirePolicies[source] == .sameAddress, let former = try await store.formerBindJob(source: source, employeeID: employee.employeeID) {
            var trace = plan.trace()
            trace.notes =
                provenance + [
                    "rehire: \(former.exchangeAccount) was this person's address (job \(former.id), binding removed); sources.\(source).rehire is same_address"
                ] + trace.notes
            let outcome = try await store.enqueueBind(
                newJob(
                    address: former.exchangeAccount, adminAccount: plan.adminAccount ?? assigner.defaultAdminAccount, trace: trace,
                    reclaiming: former.id))
            if case .addressTaken = outcome {} else { return outcome }
        }
        do {
            return try await assigner.assign(plan, store: store) { choice in
                // Where the fields came from, for events whose person was read from elsewhere.
                var trace = choice.trace
                trace.notes = provenance + trace.notes
                return try await store.enqueueBind(newJob(address: choice.address, adminAccount: choice.adminAccount, trace: trace))
            }
        } catch let error as NamingError {
            throw Refusal.noFreeAddress("\(error)")
        }
    }
}
