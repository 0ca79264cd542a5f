import FeishuAPI
import Foundation
import HireBindCore
import JobStore
import Logging
import ServiceLifecycle

/// Leases bind jobs and calls Feishu for each; settles every job as bound, failed (permanent error),
/// retried later (retryable error) or dead (attempts exhausted), and queues the HR callback in the same transaction.
public struct BindWorker: Service {
    let store: any JobStore
    let feishu: FeishuClient
    let accessToken: Secret
    let settings: WorkerSettings
    let maxAttempts: Int
    let retry: RetryPolicy
    let jobs: Doorbell
    let callbacks: Doorbell
    let health: FeishuHealth
    let logger: Logger

    public init(
        store: any JobStore, feishu: FeishuClient, accessToken: Secret, settings: WorkerSettings,
        maxAttempts: Int, retry: RetryPolicy, jobs: Doorbell, callbacks: Doorbell, health: FeishuHealth, logger: Logger
    ) {
        self.health = health
        self.store = store
        self.feishu = feishu
        self.accessToken = accessToken
        self.settings = settings
        self.maxAttempts = maxAttempts
        self.retry = retry
        self.jobs = jobs
        self.callbacks = callbacks
        self.logger = logger
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for _ in 0..<settings.concurrency {
                    group.addTask { await self.loop() }
                }
            }
        } onGracefulShutdown: {
            jobs.ring()
        }
    }

    /// Takes jobs until shutdown; a job already taken is finished first.
    func loop() async {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let generation = jobs.generation
            do {
                if let lease = try await store.leaseJob(for: settings.leaseSeconds, now: Date()) {
                    await process(lease)
                    continue
                }
            } catch {
                logger.error("cannot lease a job", metadata: ["error": "\(error)"])
            }
            await jobs.wait(since: generation, upTo: await store.idleDuration(.jobs, poll: settings.pollSeconds))
        }
    }

    func process(_ lease: JobLease) async {
        let job = lease.job
        var logger = self.logger
        logger[metadataKey: "job_id"] = "\(job.id)"
        logger[metadataKey: "attempt"] = "\(job.attempts)"
        let started = Date()
        let request = ExchangeBindingRequest(adminAccount: job.adminAccount, exchangeAccount: job.exchangeAccount, userID: job.feishuUserID)
        do {
            let outcome: Result<FeishuAnswer<ExchangeBinding>, FeishuCallError> = await withLeaseRenewed(lease, logger: logger) {
                do throws(FeishuCallError) {
                    if let existing = await reconciled(job, logger: logger) { return .success(existing) }
                    return .success(try await feishu.createExchangeBinding(request, userIDType: job.userIDType, accessToken: accessToken))
                } catch {
                    return .failure(error)
                }
            }
            let answer = try outcome.get()
            let binding = answer.value
            let attempt = JobAttempt(number: job.attempts, startedAt: started, finishedAt: Date(), outcome: .succeeded, logID: answer.logID)
            let result = BindResult(
                eventID: job.eventID, employeeID: job.employeeID, jobID: job.id, status: .bound,
                exchangeAccount: job.exchangeAccount, exchangeBindingID: binding.exchangeBindingID, syncStatus: binding.status
            )
            try await store.finishJob(lease, outcome: .bound(bindingID: binding.exchangeBindingID, syncStatus: binding.status), attempt: attempt, callback: result, now: Date())
            health.credentialsWork()
            callbacks.ring()
            logger.info("exchange account bound", metadata: [
                "exchange_account": "\(job.exchangeAccount)", "exchange_binding_id": "\(binding.exchangeBindingID)",
                "sync_status": "\(binding.status ?? "")",
            ])
        } catch let error as FeishuCallError {
            await settle(lease, error: error, started: started, logger: logger)
        } catch is LeaseLostError {
            logger.warning("lease lost while binding; another worker took the job over")
        } catch {
            logger.error("cannot record the job's outcome; the lease will expire and the job will be retried", metadata: ["error": "\(error)"])
        }
    }

    /// After an attempt whose outcome is unknown (a timeout, a dropped connection, a worker that died mid-call),
    /// the binding may exist already: look it up by its derived id before creating it again.
    func reconciled(_ job: BindJob, logger: Logger) async -> FeishuAnswer<ExchangeBinding>? {
        let earlierOutcomeUnknown = job.lastError.map { ["timeout", "transport"].contains($0.code) } ?? (job.attempts > 1)
        guard job.attempts > 1, earlierOutcomeUnknown else { return nil }
        let id = ExchangeBinding.derivedID(adminAccount: job.adminAccount, exchangeAccount: job.exchangeAccount)
        guard let found = try? await feishu.exchangeBinding(id: id, userIDType: job.userIDType, accessToken: accessToken),
              found.value.userID == nil || found.value.userID == job.feishuUserID
        else { return nil }
        logger.info("the earlier call had bound the account: no second create", metadata: ["exchange_binding_id": "\(found.value.exchangeBindingID)"])
        return found
    }

    /// Runs `work` while renewing the lease every third of its length, so a slow call is not taken over.
    func withLeaseRenewed<T: Sendable>(_ lease: JobLease, logger: Logger, _ work: () async -> T) async -> T {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    do {
                        try await Task.sleep(for: .milliseconds(Int64(settings.leaseSeconds * 1000 / 3)))
                        try await store.renewLease(lease, for: settings.leaseSeconds, now: Date())
                    } catch is CancellationError {
                        return
                    } catch {
                        logger.warning("cannot renew the job's lease", metadata: ["error": "\(error)"])
                        return
                    }
                }
            }
            let result = await work()
            group.cancelAll()
            return result
        }
    }

    func settle(_ lease: JobLease, error: FeishuCallError, started: Date, logger: Logger) async {
        let job = lease.job
        let failure = error.failure
        let now = Date()
        var metadata: Logger.Metadata = ["code": "\(failure.code)", "message": "\(failure.message)", "class": "\(error.errorClass.rawValue)"]
        if let logID = error.logID { metadata["feishu_log_id"] = "\(logID)" }
        do {
            switch error.errorClass {
            case .permanent:
                let attempt = JobAttempt(number: job.attempts, startedAt: started, finishedAt: now, outcome: .failed, failure: failure, logID: error.logID)
                try await store.finishJob(lease, outcome: .failed(failure), attempt: attempt, callback: failedResult(job, failure), now: now)
                callbacks.ring()
                logger.warning("bind failed permanently", metadata: metadata)
            case .retry where job.attempts >= maxAttempts:
                let attempt = JobAttempt(number: job.attempts, startedAt: started, finishedAt: now, outcome: .failed, failure: failure, logID: error.logID)
                try await store.finishJob(lease, outcome: .dead(failure), attempt: attempt, callback: failedResult(job, failure), now: now)
                callbacks.ring()
                logger.error("bind gave up after \(job.attempts) attempts; the job is dead", metadata: metadata)
            case .waitForOperator:
                let delay = 60 + Double.random(in: 0...15)
                let attempt = JobAttempt(number: job.attempts, startedAt: started, finishedAt: now, outcome: .retry, failure: failure, logID: error.logID)
                try await store.retryJob(lease, attempt: attempt, retryAt: now.addingTimeInterval(delay), countsAsAttempt: false)
                health.needOperator(failure)
                logger.error("Feishu refused hirebind's own credentials; jobs wait: \(failure.hint)", metadata: metadata)
            case .retry, .rateLimited:
                let countsAsAttempt = error.errorClass == .retry
                // A rate limit waits for its reset (Feishu's header, or a second), not for the failure backoff.
                let delay = countsAsAttempt
                    ? retry.delay(beforeRetry: max(1, job.attempts))
                    : (error.retryAfter ?? 1) + Double.random(in: 0...0.5)
                let attempt = JobAttempt(number: job.attempts, startedAt: started, finishedAt: now, outcome: .retry, failure: failure, logID: error.logID)
                try await store.retryJob(lease, attempt: attempt, retryAt: now.addingTimeInterval(delay), countsAsAttempt: countsAsAttempt)
                metadata["retry_in_seconds"] = "\(Int(delay.rounded(.up)))"
                logger.notice("bind will be retried", metadata: metadata)
            }
        } catch {
            logger.error("cannot record the job's outcome; the lease will expire and the job will be retried", metadata: ["error": "\(error)"])
        }
    }

    func failedResult(_ job: BindJob, _ failure: JobFailure) -> BindResult {
        BindResult(eventID: job.eventID, employeeID: job.employeeID, jobID: job.id, status: .failed, exchangeAccount: job.exchangeAccount, error: failure)
    }
}

extension JobStore {
    /// How long an idle worker sleeps: until the next job, callback or lease falls due, at most `poll` seconds.
    /// Intake and finished jobs ring a doorbell, so new work does not wait for this.
    func idleDuration(_ queue: WorkQueue, poll: Double) async -> Duration {
        let due = (try? await nextDueDate(queue))?.timeIntervalSinceNow ?? poll
        return .milliseconds(Int64(min(poll, max(0.01, due)) * 1000))
    }
}
