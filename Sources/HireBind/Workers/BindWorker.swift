// BindWorker: carries out leased jobs in Feishu: creates or deletes the binding and settles the job with its callback.

import FeishuAPI
import Foundation
import HireBindCore
import JobStore
import Logging
import Secrets
public import ServiceLifecycle

/// Leases jobs and carries them out in Feishu: a bind job creates the Exchange binding (looking the user id
/// up first when the event had none), an unbind job deletes it. Every job ends bound/unbound, failed
/// (permanent error), retried later (retryable error) or dead (attempts exhausted), and its HR callback is
/// queued in the same transaction.
public struct BindWorker: Service {
    let store: any JobQueue & AdminQueries
    let feishu: FeishuClient
    let tokens: any UserAccessTokens
    let resolver: UserIDResolver
    let settings: WorkerSettings
    let sync: SyncSchedule
    let rules: RetryDecision.Rules
    let jobs: Doorbell
    let callbacks: Doorbell
    let health: FeishuHealth
    let metrics: HireBindMetrics
    let logger: Logger
    /// For jobs of id-only events, by source: the person is read, then their bind job queued through the intake.
    var personReaders: [String: any PersonReading] = [:]
    var intake: JobIntake?
    /// Asks Exchange's directory whose mailbox the address is before binding it (`mailbox_directory:`).
    var mailboxGate: MailboxGate?

    init(
        store: any JobQueue & AdminQueries, feishu: FeishuClient, tokens: any UserAccessTokens, resolver: UserIDResolver,
        settings: WorkerSettings, feishuSettings: FeishuSettings, jobs: Doorbell, callbacks: Doorbell, health: FeishuHealth,
        metrics: HireBindMetrics, logger: Logger
    ) {
        self.store = store
        self.feishu = feishu
        self.tokens = tokens
        self.resolver = resolver
        self.settings = settings
        self.sync = SyncSchedule(settings: feishuSettings.sync)
        self.rules = RetryDecision.Rules(
            maxAttempts: feishuSettings.maxAttempts, backoff: feishuSettings.retry, callTimeoutSeconds: feishu.timeoutSeconds
        )
        self.jobs = jobs
        self.callbacks = callbacks
        self.health = health
        self.metrics = metrics
        self.logger = logger
    }

    public func run() async throws {
        let store = self.store
        let leaseSeconds = settings.leaseSeconds
        let loop = LeasingLoop<JobLease>(
            name: "job", doorbell: jobs, pollSeconds: settings.pollSeconds,
            lease: { try await store.leaseJob(for: leaseSeconds, now: Date()) },
            nextDue: { try await store.nextJobDue() },
            renewal: .init(leaseSeconds: leaseSeconds) { try await store.renewLease($0, for: leaseSeconds, now: Date()) },
            logger: logger
        )
        await loop.run(workers: settings.concurrency) { lease in await self.process(lease) }
    }

    func process(_ lease: JobLease) async {
        var logger = self.logger
        logger[metadataKey: "job_id"] = "\(lease.job.id)"
        logger[metadataKey: "kind"] = "\(lease.job.kind.rawValue)"
        logger[metadataKey: "attempt"] = "\(lease.job.attempts)"
        let started = Date()
        let step: Step =
            switch lease.job.kind {
            case .bind: await bind(lease, logger: logger)
            case .unbind: await unbind(lease)
            case .readPerson: await readPerson(lease)
            case .refused:
                // Retried by hand: the reason stands until the person can be read again (reconciliation does that).
                .setback(
                    Setback(
                        failure: lease.job.lastError
                            ?? JobFailure(code: "unusable_person", message: "the person could not be named", hint: "See the event."),
                        errorClass: .permanent))
            }
        do {
            switch step {
            case .bound(let job, let binding, let logID):
                let now = Date()
                let status = binding.status
                let following = sync.follows(after: status)
                let followSync =
                    following
                    ? SyncFollow(
                        firstCheckAt: now.addingTimeInterval(sync.delay(afterChecks: 0)),
                        deadline: now.addingTimeInterval(sync.settings.deadlineHours * 3600)
                    )
                    : nil
                var settled = job
                settled.bindingID = binding.exchangeBindingID
                settled.syncStatus = status
                let attempt = JobAttempt(number: job.attempts, startedAt: started, finishedAt: now, outcome: .succeeded, logID: logID)
                try await store.finishJob(
                    lease, outcome: .bound(bindingID: binding.exchangeBindingID, syncStatus: status, followSync: followSync),
                    attempt: attempt, callback: CallbackMessage.outbound(BindResult(settled, status: .bound, final: !following), for: job), now: now
                )
                logger.info(
                    "exchange account bound",
                    metadata: [
                        "exchange_account": "\(job.exchangeAccount)", "exchange_binding_id": "\(binding.exchangeBindingID)",
                        "sync_status": "\(status ?? "")",
                    ])
                succeeded(kind: job.kind)
            case .unbound(let job, let logID, let note):
                let attempt = JobAttempt(number: job.attempts, startedAt: started, finishedAt: Date(), outcome: .succeeded, logID: logID)
                try await store.finishJob(
                    lease, outcome: .unbound, attempt: attempt, callback: CallbackMessage.outbound(BindResult(job, status: .unbound), for: job),
                    now: Date()
                )
                logger.info("exchange binding removed", metadata: ["exchange_account": "\(job.exchangeAccount)", "note": "\(note)"])
                succeeded(kind: job.kind)
            case .handedOn(let job, let receipt):
                let attempt = JobAttempt(number: job.attempts, startedAt: started, finishedAt: Date(), outcome: .succeeded)
                try await store.finishJob(lease, outcome: .completed, attempt: attempt, callback: nil, now: Date())
                logger.info(
                    "person read; bind job queued", metadata: ["bind_job_id": "\(receipt.jobID)", "exchange_account": "\(receipt.exchangeAccount)"])
                jobs.ring()
            case .setback(let setback):
                await settle(lease, setback: setback, started: started, logger: logger)
            }
        } catch is LeaseLostError {
            logger.warning("lease lost while working; another worker took the job over")
        } catch {
            logger.error("cannot record the job's outcome; the lease will expire and the job will be retried", metadata: ["error": "\(error)"])
        }
    }

    func succeeded(kind: JobKind) {
        health.credentialsWork()
        metrics.jobSettled(kind: kind.rawValue, outcome: "succeeded")
        callbacks.ring()
    }

    /// What one go at a job came to.
    enum Step: Sendable {
        /// The person was read and their bind job queued (or found queued already).
        case handedOn(BindJob, receipt: JobReceipt)
        case bound(BindJob, ExchangeBinding, logID: String?)
        case unbound(BindJob, logID: String?, note: String)
        case setback(Setback)
    }

    func bind(_ lease: JobLease, logger: Logger) async -> Step {
        var job = lease.job
        if let mailboxGate, let setback = await checkMailbox(mailboxGate, lease: lease, job: &job, logger: logger) {
            return .setback(setback)
        }
        do throws(FeishuCallError) {
            if job.feishuUserID.isEmpty {
                guard let userID = try await resolver.userID(for: job) else {
                    return .setback(Setback(failure: UserIDResolver.notFound(job), errorClass: .permanent))
                }
                try? await store.resolveUserID(lease, userID: userID)
                job.feishuUserID = userID
                logger.info("Feishu user id looked up", metadata: ["feishu_user_id": "\(userID)"])
            }
            let request = ExchangeBindingRequest(adminAccount: job.adminAccount, exchangeAccount: job.exchangeAccount, userID: job.feishuUserID)
            let answer = try await tokens.calling { token throws(FeishuCallError) in
                if let existing = try await reconciled(job, token: token, logger: logger) { return existing }
                return try await feishu.createExchangeBinding(request, userIDType: job.userIDType, accessToken: token)
            }
            return .bound(job, answer.value, logID: answer.logID)
        } catch {
            return .setback(Setback(error))
        }
    }

    /// Asks the mailbox directory before the bind: nil to go on (with `job`'s address confirmed or adopted),
    /// else why not. What the directory answered is kept in the job's trace either way.
    func checkMailbox(_ gate: MailboxGate, lease: JobLease, job: inout BindJob, logger: Logger) async -> Setback? {
        let outcome = await gate.check(job)
        guard let directoryTrace = outcome.trace else { return nil }
        var trace: [String: JSONValue] = if case .object(let fields)? = job.namingTrace { fields } else { [:] }
        trace["directory"] = directoryTrace
        var address = job.exchangeAccount
        if case .proceed(let confirmed, _) = outcome.decision { address = confirmed }
        let claim: MailboxClaim
        do {
            claim = try await store.recordMailboxCheck(lease, address: address, namingTrace: .object(trace))
        } catch {
            return Setback(failure: JobFailure(code: "store", message: "\(error)", hint: "hirebind retries."), errorClass: .retry)
        }
        job.namingTrace = .object(trace)
        metrics.mailboxCheck(mode: outcome.mode.rawValue, decision: outcome.decision)
        switch outcome.decision {
        case .proceed(let address, let adopted):
            if case .heldBy(let holder) = claim {
                metrics.mailboxRefused(reason: MailboxVerdict.Refusal.heldByAnotherJob.rawValue)
                let failure = JobFailure(
                    code: "mailbox_held_by_another_job",
                    message: "\(address), the directory's mailbox for \(job.employeeID), is held by hirebind job \(holder) of another person",
                    hint: "Look at both jobs' traces; fix the directory or the other job, then retry this one.")
                return Setback(failure: failure, errorClass: .permanent)
            }
            if adopted {
                logger.info(
                    "address adopted from the mailbox directory",
                    metadata: ["computed_address": "\(job.exchangeAccount)", "exchange_account": "\(address)"])
            }
            job.exchangeAccount = address
            return nil
        case .recheck(let failure, let seconds):
            return Setback(failure: failure, errorClass: .rateLimited, retryAfter: seconds)
        case .fail(let failure, let refusal):
            if let refusal { metrics.mailboxRefused(reason: refusal.rawValue) }
            return Setback(failure: failure, errorClass: .permanent)
        case .waitForOperator(let failure):
            return Setback(failure: failure, errorClass: .waitForOperator)
        }
    }

    /// Reads the person an id-only event named and queues their bind job, once per person.
    func readPerson(_ lease: JobLease) async -> Step {
        let job = lease.job
        guard let reader = personReaders[job.source], let intake else {
            let failure = JobFailure(
                code: "no_person_reader", message: "source \(job.source) sent an id-only event, and hirebind has no way to read the person",
                hint:
                    "For a Feishu event source, configure feishu.app_id and feishu.app_secret (the app needs corehr:employee:read); for an HR source, its fetch: block."
            )
            return .setback(Setback(failure: failure, errorClass: .waitForOperator))
        }
        switch await reader.read(job) {
        case .setback(let setback):
            return .setback(setback)
        case .hire(let event, let provenance):
            do {
                let outcome = try await intake.accept(
                    event, source: job.source, resultsTo: .only(job.callbackURL), onePerPerson: true, provenance: provenance)
                switch outcome {
                case .created(let receipt), .duplicate(let receipt): return .handedOn(job, receipt: receipt)
                case .addressTaken(let address):
                    let failure = JobFailure(code: "address_taken", message: "\(address) was taken meanwhile", hint: "hirebind tries again.")
                    return .setback(Setback(failure: failure, errorClass: .retry))
                }
            } catch let refusal as JobIntake.Refusal {
                let message = APIError(refusal).message
                return .setback(
                    Setback(
                        failure: JobFailure(code: APIError(refusal).code, message: message, hint: "Fix the person's record, then retry the job."),
                        errorClass: .permanent))
            } catch {
                return .setback(Setback(failure: JobFailure(code: "store", message: "\(error)", hint: "hirebind retries."), errorClass: .retry))
            }
        }
    }

    /// Removes the binding the target bind job made. Deleting is idempotent: a binding already gone counts as removed.
    func unbind(_ lease: JobLease) async -> Step {
        var job = lease.job
        var target: BindJob?
        do {
            if let targetID = job.targetJobID { target = try await store.job(id: targetID) }
        } catch {
            return .setback(Setback(failure: JobFailure(code: "store", message: "\(error)", hint: "hirebind retries."), errorClass: .retry))
        }
        guard let target, target.status == .succeeded, let bindingID = target.bindingID else {
            if let target, !target.status.isFinal {
                let failure = JobFailure(
                    code: "bind_pending", message: "the bind job \(target.id) has not finished yet",
                    hint: "hirebind removes the binding once the bind job settles."
                )
                return .setback(Setback(failure: failure, errorClass: .rateLimited, retryAfter: 5))
            }
            return .unbound(job, logID: nil, note: "the bind job made no binding: nothing to remove")
        }
        job.bindingID = bindingID
        do throws(FeishuCallError) {
            let answer = try await tokens.calling { token throws(FeishuCallError) in
                try await feishu.deleteExchangeBinding(id: bindingID, accessToken: token)
            }
            return .unbound(job, logID: answer.logID, note: "deleted")
        } catch {
            if case .api(195103, _, _, let logID, _) = error {
                return .unbound(job, logID: logID, note: "the binding was already gone")
            }
            return .setback(Setback(error))
        }
    }

    /// After an attempt whose outcome is unknown (a timeout, a dropped connection, a worker that died mid-call),
    /// the binding may exist already: look it up by its derived id before creating it again. Only Feishu's
    /// "not found" (195103) lets the create go ahead; a lookup that fails otherwise is retried like any call.
    func reconciled(_ job: BindJob, token: Secret, logger: Logger) async throws(FeishuCallError) -> FeishuAnswer<ExchangeBinding>? {
        guard job.outcomeUnknown else { return nil }
        let id = ExchangeBinding.derivedID(adminAccount: job.adminAccount, exchangeAccount: job.exchangeAccount)
        let found: FeishuAnswer<ExchangeBinding>
        do throws(FeishuCallError) {
            found = try await feishu.exchangeBinding(id: id, userIDType: job.userIDType, accessToken: token)
        } catch {
            // Not there (195103), or the derived id is not Feishu's format after all (195102): create it.
            if case .api(let code, _, _, _, _) = error, code == 195103 || code == 195102 { return nil }
            throw error
        }
        guard found.value.userID == nil || found.value.userID == job.feishuUserID else { return nil }
        logger.info("the earlier call had bound the account: no second create", metadata: ["exchange_binding_id": "\(found.value.exchangeBindingID)"])
        return found
    }

    func settle(_ lease: JobLease, setback: Setback, started: Date, logger: Logger) async {
        let job = lease.job
        let failure = setback.failure
        let now = Date()
        var metadata: Logger.Metadata = ["code": "\(failure.code)", "message": "\(failure.message)", "class": "\(setback.errorClass.rawValue)"]
        if let logID = setback.logID { metadata["feishu_log_id"] = "\(logID)" }
        let kind = job.kind.rawValue
        let decision = RetryDecision.decide(
            setback.errorClass, attempts: job.attempts, retryAfter: setback.retryAfter, outcomeUnknown: setback.outcomeUnknown, rules: rules
        )
        func attempt(_ outcome: JobAttempt.Outcome) -> JobAttempt {
            JobAttempt(number: job.attempts, startedAt: started, finishedAt: now, outcome: outcome, failure: failure, logID: setback.logID)
        }
        do {
            switch decision {
            case .fail, .giveUp:
                let outcome: JobOutcome = decision == .fail ? .failed(failure) : .dead(failure)
                let callback = CallbackMessage.outbound(BindResult(job, status: .failed, error: failure), for: job)
                try await store.finishJob(lease, outcome: outcome, attempt: attempt(.failed), callback: callback, now: now)
                callbacks.ring()
                if decision == .fail {
                    metrics.jobSettled(kind: kind, outcome: "failed")
                    logger.warning("job failed permanently", metadata: metadata)
                } else {
                    metrics.jobSettled(kind: kind, outcome: "dead")
                    logger.error("job gave up after \(job.attempts) attempts; it is dead", metadata: metadata)
                }
            case .waitForOperator(let seconds):
                try await store.retryJob(
                    lease, attempt: attempt(.retry), retryAt: now.addingTimeInterval(seconds), countsAsAttempt: false,
                    outcomeUnknown: setback.outcomeUnknown
                )
                health.needOperator(failure)
                metrics.jobSettled(kind: kind, outcome: "waiting")
                logger.error("jobs wait for an operator: \(failure.hint)", metadata: metadata)
            case .retry(let seconds, let countsAsAttempt):
                try await store.retryJob(
                    lease, attempt: attempt(.retry), retryAt: now.addingTimeInterval(seconds), countsAsAttempt: countsAsAttempt,
                    outcomeUnknown: setback.outcomeUnknown
                )
                metrics.jobSettled(kind: kind, outcome: countsAsAttempt ? "retry" : "rate_limited")
                metadata["retry_in_seconds"] = "\(Int(seconds.rounded(.up)))"
                logger.notice("job will be retried", metadata: metadata)
            }
        } catch {
            logger.error("cannot record the job's outcome; the lease will expire and the job will be retried", metadata: ["error": "\(error)"])
        }
    }
}

/// Why a go at a job did not succeed, and what to do about it.
struct Setback: Sendable {
    var failure: JobFailure
    var errorClass: FeishuErrorClass
    var logID: String?
    var retryAfter: Double?
    /// The call may have taken effect although no answer said so.
    var outcomeUnknown: Bool

    init(failure: JobFailure, errorClass: FeishuErrorClass, logID: String? = nil, retryAfter: Double? = nil, outcomeUnknown: Bool = false) {
        self.failure = failure
        self.errorClass = errorClass
        self.logID = logID
        self.retryAfter = retryAfter
        self.outcomeUnknown = outcomeUnknown
    }

    init(_ error: FeishuCallError) {
        self.init(
            failure: error.jobFailure, errorClass: error.errorClass, logID: error.logID, retryAfter: error.retryAfter,
            outcomeUnknown: error.outcomeUnknown)
    }
}
