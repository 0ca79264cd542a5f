// SyncWatcher: follows each new binding's calendar sync to its end, then queues the final HR callback.

import FeishuAPI
import Foundation
import HireBindCore
import JobStore
import Logging
import ServiceLifecycle

/// Follows each new binding's calendar sync: looks the binding up with growing pauses until its status is
/// final (`done` or `err` by default) or the deadline passes, then queues the job's second, final HR callback.
struct SyncWatcher: Service {
    let store: any SyncCheckQueue
    let feishu: FeishuClient
    let tokens: any UserAccessTokens
    let schedule: SyncSchedule
    let pollSeconds: Double
    let callbacks: Doorbell
    let logger: Logger

    init(
        store: any SyncCheckQueue, feishu: FeishuClient, tokens: any UserAccessTokens, settings: SyncSettings, pollSeconds: Double,
        callbacks: Doorbell, logger: Logger
    ) {
        self.store = store
        self.feishu = feishu
        self.tokens = tokens
        self.schedule = SyncSchedule(settings: settings)
        self.pollSeconds = pollSeconds
        self.callbacks = callbacks
        self.logger = logger
    }

    /// How long a look belongs to one watcher.
    static let leaseSeconds = 60.0

    func run() async throws {
        let store = self.store
        // Nothing rings for a sync check: a look falls due with time. The bell wakes the loop for shutdown.
        let loop = LeasingLoop<SyncCheck>(
            name: "sync check", doorbell: Doorbell(), pollSeconds: pollSeconds,
            lease: { try await store.leaseSyncCheck(for: Self.leaseSeconds, now: Date()) },
            nextDue: { try await store.nextSyncCheckDue() }, renewal: nil, logger: logger
        )
        await loop.run { check in await self.look(at: check) }
    }

    func look(at check: SyncCheck) async {
        let job = check.job
        var logger = self.logger
        logger[metadataKey: "job_id"] = "\(job.id)"
        let now = Date()
        do {
            guard let bindingID = job.bindingID else {
                try await store.syncEnded(check, status: nil, callback: nil, now: now)
                return
            }
            let status: String?
            do throws(FeishuCallError) {
                status = try await tokens.calling { token throws(FeishuCallError) in
                    try await feishu.exchangeBinding(id: bindingID, userIDType: job.userIDType, accessToken: token)
                }.value.status
            } catch {
                if error.errorClass == .permanent {
                    // The binding is gone (unbound meanwhile) or cannot be read: report what is known and stop.
                    try await finish(check, status: nil, error: error.jobFailure, now: now)
                    logger.warning("sync follow-up stopped", metadata: ["code": "\(error.failure.code)"])
                } else {
                    try await store.syncContinues(check, status: nil, nextCheckAt: next(after: check, now: now), now: now)
                }
                return
            }
            if let status, schedule.settings.finalStatuses.contains(status) {
                let failure =
                    status == "err"
                    ? JobFailure(
                        code: "sync_err", message: "Feishu reports that the Exchange calendar sync failed",
                        hint:
                            "The binding exists; check that the admin account may impersonate this mailbox and that EWS is reachable, then unbind and bind again."
                    ) : nil
                try await finish(check, status: status, error: failure, now: now)
                logger.info("calendar sync ended", metadata: ["sync_status": "\(status)"])
            } else if now >= check.deadline {
                let failure = JobFailure(
                    code: "sync_timeout", message: "the calendar sync had not ended by the deadline (last status \(status ?? "unknown"))",
                    hint: "The binding exists; look at it in Feishu's admin console. Raise feishu.sync.deadline_hours to wait longer."
                )
                try await finish(check, status: status, error: failure, now: now)
                logger.warning("calendar sync follow-up gave up at the deadline", metadata: ["sync_status": "\(status ?? "")"])
            } else {
                try await store.syncContinues(check, status: status, nextCheckAt: next(after: check, now: now), now: now)
            }
        } catch {
            logger.error("cannot record the sync check; it is retried when its lease expires", metadata: ["error": "\(error)"])
        }
    }

    func finish(_ check: SyncCheck, status: String?, error: JobFailure?, now: Date) async throws {
        var job = check.job
        job.syncStatus = status ?? job.syncStatus
        try await store.syncEnded(
            check, status: status, callback: CallbackMessage.outbound(BindResult(job, status: .synced, error: error), for: job), now: now)
        callbacks.ring()
    }

    func next(after check: SyncCheck, now: Date) -> Date {
        min(check.deadline, now.addingTimeInterval(schedule.delay(afterChecks: check.checks + 1)))
    }
}
