// StoreContractTests: the store contracts, run unchanged against every engine of StoreEngine.all.

import Foundation
import HireBindCore
import HireBindTesting
import JobStore
import Secrets
import Testing

@Suite struct StoreContractTests {
    static func job(
        _ eventID: String, address: String = "wei.zhang@example.com", callback: String? = "http://127.0.0.1:9/cb", at date: Date = Date()
    ) -> NewBindJob {
        NewBindJob(
            source: "hr", eventID: eventID, employeeID: "E-\(eventID)", feishuUserID: "ou_\(eventID)", exchangeAccount: address,
            adminAccount: "admin@example.com", userIDType: "open_id", callbackURL: callback,
            namingTrace: .object(["rule_set": .string("default")]), receivedAt: date
        )
    }

    static func created(_ outcome: EnqueueOutcome) throws -> JobReceipt {
        guard case .created(let receipt) = outcome else { throw ContractError.expected("a new job", outcome) }
        return receipt
    }

    enum ContractError: Error { case expected(String, EnqueueOutcome) }

    @Test(arguments: StoreEngine.all) func enqueueWritesJobIntakeAndReservation(engine: StoreEngine) async throws {
        let store = try await engine.open()
        let receipt = try Self.created(try await store.enqueueBind(Self.job("e1")))
        #expect(receipt.exchangeAccount == "wei.zhang@example.com")
        #expect(receipt.status == .queued)
        let job = try #require(try await store.job(id: receipt.jobID))
        #expect(job.eventID == "e1")
        #expect(job.exchangeAccount == "wei.zhang@example.com")
        #expect(job.adminAccount == "admin@example.com")
        #expect(job.namingTrace == .object(["rule_set": .string("default")]))
        #expect(try await store.receipt(source: "hr", eventID: "e1") == receipt)
        #expect(try await store.takenAddresses(among: ["WEI.ZHANG@example.com", "other@example.com"]) == ["wei.zhang@example.com"])
    }

    @Test(arguments: StoreEngine.all) func repeatedEventReturnsTheFirstJob(engine: StoreEngine) async throws {
        let store = try await engine.open()
        let first = try Self.created(try await store.enqueueBind(Self.job("e1")))
        #expect(try await store.enqueueBind(Self.job("e1", address: "other@example.com")) == .duplicate(first))
        #expect(try await store.jobs(status: nil, limit: 10).count == 1)
    }

    @Test(arguments: StoreEngine.all) func dedupeHoldsUntilTheIntakeRecordIsPurged(engine: StoreEngine) async throws {
        let store = try await engine.open()
        let now = Date()
        let old = try Self.created(try await store.enqueueBind(Self.job("e-old", address: "a@example.com", at: now.addingTimeInterval(-8 * 86_400))))
        let recent = try Self.created(
            try await store.enqueueBind(Self.job("e-new", address: "b@example.com", at: now.addingTimeInterval(-6 * 86_400))))
        #expect(try await store.purgeIntakes(receivedBefore: now.addingTimeInterval(-7 * 86_400), limit: 100) == 1)
        // Within the window the first answer stands; past it the event makes a new job.
        #expect(try await store.enqueueBind(Self.job("e-new", address: "c@example.com")) == .duplicate(recent))
        let again = try Self.created(try await store.enqueueBind(Self.job("e-old", address: "d@example.com")))
        #expect(again.jobID != old.jobID)
        #expect(try await store.job(id: old.jobID) != nil)
    }

    @Test(arguments: StoreEngine.all) func aHeldAddressIsRefusedCaseInsensitivelyAndNothingIsWritten(engine: StoreEngine) async throws {
        let store = try await engine.open()
        _ = try Self.created(try await store.enqueueBind(Self.job("e1", address: "anna.lee@example.com")))
        #expect(try await store.enqueueBind(Self.job("e2", address: "ANNA.LEE@example.com")) == .addressTaken("ANNA.LEE@example.com"))
        #expect(try await store.receipt(source: "hr", eventID: "e2") == nil)
        #expect(try await store.jobs(status: nil, limit: 10).count == 1)
        // The refused event can still be enqueued with another address.
        _ = try Self.created(try await store.enqueueBind(Self.job("e2", address: "anna.lee2@example.com")))
    }

    @Test(arguments: StoreEngine.all) func concurrentIntakesOfOneAddressReserveItOnce(engine: StoreEngine) async throws {
        let store = try await engine.open()
        let outcomes = try await withThrowingTaskGroup(of: EnqueueOutcome.self) { group in
            for index in 0..<40 {
                group.addTask { try await store.enqueueBind(Self.job("c\(index)")) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { if case .created = $0 { true } else { false } }.count == 1)
        #expect(outcomes.filter { $0 == .addressTaken("wei.zhang@example.com") }.count == 39)
    }

    @Test(arguments: StoreEngine.all) func unbindTargetsTheEmployeesLatestBindJob(engine: StoreEngine) async throws {
        let store = try await engine.open()
        let bind = try Self.created(try await store.enqueueBind(Self.job("e1")))
        let request = NewUnbindJob(source: "hr", eventID: "t1", employeeID: "E-e1", callbackURL: nil, receivedAt: Date())
        let unbind = try Self.created(try await store.enqueueUnbind(request))
        let job = try #require(try await store.job(id: unbind.jobID))
        #expect(job.kind == .unbind)
        #expect(job.targetJobID == bind.jobID)
        #expect(job.exchangeAccount == "wei.zhang@example.com")
        #expect(try await store.enqueueUnbind(request) == .duplicate(unbind))
        await #expect(throws: UnknownEmployeeError.self) {
            try await store.enqueueUnbind(NewUnbindJob(source: "hr", eventID: "t2", employeeID: "nobody", callbackURL: nil, receivedAt: Date()))
        }
    }

    @Test(arguments: StoreEngine.all) func leaseIsExclusiveUntilItExpires(engine: StoreEngine) async throws {
        let store = try await engine.open()
        let start = Date()
        _ = try await store.enqueueBind(Self.job("e1", at: start))
        let lease = try #require(try await store.leaseJob(for: 30, now: start))
        #expect(lease.job.status == .running)
        #expect(lease.job.attempts == 1)
        #expect(!lease.job.outcomeUnknown)
        #expect(try await store.leaseJob(for: 30, now: start.addingTimeInterval(10)) == nil)
        // The first worker crashed: after the lease expires the job is leased again, its last call's outcome
        // unknown (so the worker looks the binding up before creating it).
        let rescued = try #require(try await store.leaseJob(for: 30, now: start.addingTimeInterval(31)))
        #expect(rescued.job.id == lease.job.id)
        #expect(rescued.job.attempts == 2)
        #expect(rescued.job.outcomeUnknown)
        // The crashed worker's late answer is refused.
        let attempt = JobAttempt(number: 1, startedAt: start, finishedAt: start, outcome: .succeeded)
        await #expect(throws: LeaseLostError.self) {
            try await store.finishJob(
                lease, outcome: .bound(bindingID: "x", syncStatus: "doing", followSync: nil), attempt: attempt, callback: nil, now: start)
        }
    }

    @Test(arguments: StoreEngine.all) func theEarliestDueJobIsLeasedFirstAndAnExpiredLeaseCompetesByItsExpiry(engine: StoreEngine) async throws {
        let store = try await engine.open()
        let start = Date()
        // Queued in this order; each becomes due when it was received.
        let late = try Self.created(try await store.enqueueBind(Self.job("late", address: "c@example.com", at: start.addingTimeInterval(20))))
        let early = try Self.created(try await store.enqueueBind(Self.job("early", address: "a@example.com", at: start)))
        let middle = try Self.created(try await store.enqueueBind(Self.job("middle", address: "b@example.com", at: start.addingTimeInterval(10))))
        #expect(try await store.leaseJob(for: 100, now: start.addingTimeInterval(-1)) == nil)
        let first = try #require(try await store.leaseJob(for: 3, now: start.addingTimeInterval(15)))
        #expect(first.job.id == early.jobID)
        // `late` is not due yet at 15 s; `middle` is.
        #expect(try await store.leaseJob(for: 100, now: start.addingTimeInterval(15))?.job.id == middle.jobID)
        #expect(try await store.leaseJob(for: 100, now: start.addingTimeInterval(15)) == nil)
        // At 30 s the first lease (until 18 s) has expired and `late` (due at 20 s) waits: the expired lease is
        // taken over first, then `late`.
        #expect(try await store.leaseJob(for: 100, now: start.addingTimeInterval(30))?.job.id == early.jobID)
        #expect(try await store.leaseJob(for: 100, now: start.addingTimeInterval(30))?.job.id == late.jobID)
    }

    @Test(arguments: StoreEngine.all) func aMailboxCheckKeepsItsTraceAndClaimsAnAdoptedAddress(engine: StoreEngine) async throws {
        let store = try await engine.open()
        let now = Date()
        _ = try await store.enqueueBind(Self.job("held", address: "wei.zhang2@example.com", at: now))
        _ = try await store.enqueueBind(Self.job("adopting", address: "wei.zhang@example.com", at: now.addingTimeInterval(1)))
        let holder = try #require(try await store.leaseJob(for: 60, now: now.addingTimeInterval(2)))
        let lease = try #require(try await store.leaseJob(for: 60, now: now.addingTimeInterval(2)))
        #expect(lease.job.eventID == "adopting")
        // Another person's job holds the address the directory names: refused, the job's address unchanged.
        let trace = JSONValue.object(["directory": .object(["verdict": .string("adopted")])])
        #expect(try await store.recordMailboxCheck(lease, address: "Wei.Zhang2@example.com", namingTrace: trace) == .heldBy(jobID: holder.job.id))
        #expect(try await store.job(id: lease.job.id)?.exchangeAccount == "wei.zhang@example.com")
        #expect(try await store.job(id: lease.job.id)?.namingTrace == trace)
        // A free one is claimed and becomes the job's address; nobody else is handed it.
        #expect(try await store.recordMailboxCheck(lease, address: "w.zhang@example.com", namingTrace: trace) == .recorded)
        #expect(try await store.job(id: lease.job.id)?.exchangeAccount == "w.zhang@example.com")
        #expect(
            try await store.takenAddresses(among: ["W.Zhang@example.com", "wei.zhang@example.com"]) == [
                "w.zhang@example.com", "wei.zhang@example.com",
            ])
        // Only the lease holder may record.
        let stale = JobLease(job: lease.job, token: "not-the-token", expiresAt: lease.expiresAt)
        await #expect(throws: LeaseLostError.self) { _ = try await store.recordMailboxCheck(stale, address: "x@example.com", namingTrace: nil) }
    }

    @Test(arguments: StoreEngine.all) func oldHistoryOfFinishedWorkIsForgottenInBatchesAndLiveWorkKeepsIts(engine: StoreEngine) async throws {
        let store = try await engine.open()
        let old = Date().addingTimeInterval(-100 * 86_400)
        // Three jobs settled long ago with a delivered result each, and one still queued with an old attempt.
        for index in 0..<3 {
            _ = try await store.enqueueBind(Self.job("done\(index)", address: "d\(index)@example.com", at: old))
            let lease = try #require(try await store.leaseJob(for: 60, now: old))
            let attempt = JobAttempt(number: 1, startedAt: old, finishedAt: old, outcome: .succeeded)
            let callback = OutboundCallback(messageID: "hb_done\(index)_1", url: "http://127.0.0.1:9/cb", body: Array("{}".utf8))
            try await store.finishJob(
                lease, outcome: .bound(bindingID: "b\(index)", syncStatus: "done", followSync: nil), attempt: attempt, callback: callback, now: old)
            let delivery = try #require(try await store.leaseCallback(for: 60, now: old))
            try await store.callbackDelivered(delivery, answer: "HTTP 200", now: old)
        }
        _ = try await store.enqueueBind(Self.job("live", address: "live@example.com", at: old))
        let live = try #require(try await store.leaseJob(for: 60, now: old))
        try await store.retryJob(
            live, attempt: JobAttempt(number: 1, startedAt: old, finishedAt: old, outcome: .retry), retryAt: Date().addingTimeInterval(60),
            countsAsAttempt: true, outcomeUnknown: false)
        let cutoff = Date().addingTimeInterval(-90 * 86_400)
        // Nine rows of history (three attempts, three sync observations, three callbacks with their deliveries), two
        // at a time.
        var batches: [Int] = []
        for _ in 0..<6 { batches.append(try await store.purgeHistory(before: cutoff, limit: 2)) }
        #expect(batches == [2, 2, 2, 2, 1, 0])
        #expect(try await store.callbacks(status: nil, limit: 10).isEmpty)
        let done = try await store.jobs(status: .succeeded, limit: 10)
        for job in done {
            #expect(try await store.syncObservations(jobID: job.id).isEmpty)
            #expect(try await store.callbacks(jobID: job.id).isEmpty)
        }
        // The jobs stay (the address ledger); the live job keeps its attempt.
        #expect(try await store.jobs(status: .succeeded, limit: 10).count == 3)
        #expect(try await store.attempts(jobID: live.job.id).count == 1)
        #expect(try await store.takenAddresses(among: ["d0@example.com"]) == ["d0@example.com"])
    }

    @Test(arguments: StoreEngine.all) func finishingWritesOutcomeAndCallbackTogether(engine: StoreEngine) async throws {
        let store = try await engine.open()
        let now = Date()
        _ = try await store.enqueueBind(Self.job("e1", at: now))
        let lease = try #require(try await store.leaseJob(for: 30, now: now))
        #expect(lease.job.callbacksQueued == 0)
        let callback = OutboundCallback(messageID: "msg-1", url: "http://127.0.0.1:9/cb", body: Array(#"{"status":"bound"}"#.utf8))
        try await store.finishJob(
            lease, outcome: .bound(bindingID: "b1", syncStatus: "doing", followSync: nil),
            attempt: JobAttempt(number: 1, startedAt: now, finishedAt: now, outcome: .succeeded, logID: "log-1"),
            callback: callback, now: now
        )
        let job = try #require(try await store.job(id: lease.job.id))
        #expect(job.status == .succeeded)
        #expect(job.bindingID == "b1")
        #expect(job.callbacksQueued == 1)
        #expect(try await store.attempts(jobID: job.id).map(\.logID) == ["log-1"])
        #expect(try await store.callbackStatus(jobID: job.id) == .pending)

        let delivery = try #require(try await store.leaseCallback(for: 30, now: now))
        #expect(delivery.url == callback.url)
        #expect(delivery.messageID == callback.messageID)
        #expect(delivery.body == callback.body)
        try await store.callbackFailed(delivery, error: "HTTP 503", retryAt: now.addingTimeInterval(5), now: now)
        #expect(try await store.leaseCallback(for: 30, now: now.addingTimeInterval(1)) == nil)
        let again = try #require(try await store.leaseCallback(for: 30, now: now.addingTimeInterval(6)))
        #expect(again.attempts == 2)
        #expect(again.messageID == delivery.messageID)
        try await store.callbackDelivered(again, answer: "HTTP 204", now: now.addingTimeInterval(6))
        #expect(try await store.callbackStatus(jobID: job.id) == .delivered)
        #expect(try await store.callbacks(status: .delivered, limit: 10).map(\.jobID) == [job.id])
    }

    @Test(arguments: StoreEngine.all) func retryReschedulesAndRateLimitsDoNotCount(engine: StoreEngine) async throws {
        let store = try await engine.open()
        let now = Date()
        _ = try await store.enqueueBind(Self.job("e1", at: now))
        let failure = JobFailure(code: "190004", message: "method rate limited", hint: "")
        let first = try #require(try await store.leaseJob(for: 30, now: now))
        try await store.retryJob(
            first, attempt: JobAttempt(number: 1, startedAt: now, finishedAt: now, outcome: .retry, failure: failure),
            retryAt: now.addingTimeInterval(2), countsAsAttempt: false, outcomeUnknown: false
        )
        #expect(try await store.leaseJob(for: 30, now: now.addingTimeInterval(1)) == nil)
        let second = try #require(try await store.leaseJob(for: 30, now: now.addingTimeInterval(2)))
        #expect(second.job.attempts == 1)
        #expect(!second.job.outcomeUnknown)
        #expect(second.job.lastError == failure)
        let due = try #require(try await store.nextJobDue())
        #expect(abs(due.timeIntervalSince(now.addingTimeInterval(32))) < 0.001)
    }

    @Test(arguments: StoreEngine.all) func failedJobsAreListedAndRequeued(engine: StoreEngine) async throws {
        let store = try await engine.open()
        let now = Date()
        _ = try await store.enqueueBind(Self.job("e1", callback: nil, at: now))
        let lease = try #require(try await store.leaseJob(for: 30, now: now))
        let failure = JobFailure(code: "195100", message: "user gone", hint: "check")
        try await store.finishJob(
            lease, outcome: .failed(failure), attempt: JobAttempt(number: 1, startedAt: now, finishedAt: now, outcome: .failed, failure: failure),
            callback: nil, now: now
        )
        #expect(try await store.callbackStatus(jobID: lease.job.id) == nil)
        #expect(try await store.jobs(status: .failed, limit: 10).map(\.id) == [lease.job.id])
        #expect(try await store.requeueJob(id: lease.job.id, now: now) == .requeued)
        #expect(try await store.requeueJob(id: lease.job.id, now: now) == .notRetryable("queued"))
        #expect(try await store.requeueJob(id: "nope", now: now) == .notFound)
        #expect(try await store.leaseJob(for: 30, now: now)?.job.attempts == 1)
    }

    @Test(arguments: StoreEngine.all) func anUnknownOutcomeStaysKnownAsSuch(engine: StoreEngine) async throws {
        let store = try await engine.open()
        let now = Date()
        _ = try await store.enqueueBind(Self.job("e1", at: now))
        let timeout = JobFailure(code: "timeout", message: "", hint: "")
        let limited = JobFailure(code: "99991400", message: "", hint: "")
        let first = try #require(try await store.leaseJob(for: 30, now: now))
        try await store.retryJob(
            first, attempt: JobAttempt(number: 1, startedAt: now, finishedAt: now, outcome: .retry, failure: timeout), retryAt: now,
            countsAsAttempt: true, outcomeUnknown: true
        )
        // A rate-limited lookup afterwards does not make the first call's outcome known.
        let second = try #require(try await store.leaseJob(for: 30, now: now))
        #expect(second.job.outcomeUnknown)
        try await store.retryJob(
            second, attempt: JobAttempt(number: 2, startedAt: now, finishedAt: now, outcome: .retry, failure: limited), retryAt: now,
            countsAsAttempt: false, outcomeUnknown: false
        )
        let third = try #require(try await store.leaseJob(for: 30, now: now))
        #expect(third.job.outcomeUnknown)
    }

    @Test(arguments: StoreEngine.all) func syncChecksAreLeasedUntilTheSyncEnds(engine: StoreEngine) async throws {
        let store = try await engine.open()
        let now = Date()
        _ = try await store.enqueueBind(Self.job("e1", at: now))
        let lease = try #require(try await store.leaseJob(for: 30, now: now))
        try await store.finishJob(
            lease,
            outcome: .bound(
                bindingID: "b1", syncStatus: "doing",
                followSync: SyncFollow(firstCheckAt: now.addingTimeInterval(5), deadline: now.addingTimeInterval(60))),
            attempt: JobAttempt(number: 1, startedAt: now, finishedAt: now, outcome: .succeeded), callback: nil, now: now
        )
        #expect(try await store.leaseSyncCheck(for: 30, now: now) == nil)
        let check = try #require(try await store.leaseSyncCheck(for: 30, now: now.addingTimeInterval(5)))
        #expect(check.checks == 0)
        #expect(try await store.leaseSyncCheck(for: 30, now: now.addingTimeInterval(6)) == nil)
        try await store.syncContinues(check, status: "cal_done", nextCheckAt: now.addingTimeInterval(10), now: now)
        let next = try #require(try await store.leaseSyncCheck(for: 30, now: now.addingTimeInterval(10)))
        #expect(next.checks == 1)
        #expect(next.job.syncStatus == "cal_done")
        try await store.syncEnded(next, status: "done", callback: OutboundCallback(messageID: "m2", url: "http://127.0.0.1:9/cb", body: []), now: now)
        #expect(try await store.nextSyncCheckDue() == nil)
        #expect(try await store.job(id: lease.job.id)?.syncStatus == "done")
        #expect(try await store.job(id: lease.job.id)?.callbacksQueued == 1)
    }

    @Test(arguments: StoreEngine.all) func theConsoleReadsAPersonsWholeHistory(engine: StoreEngine) async throws {
        let store = try await engine.open()
        let now = Date()
        var zhang = Self.job("z1", address: "wei.zhang@example.com", at: now.addingTimeInterval(-120))
        zhang.personName = "张伟"
        zhang.employeeID = "E100"
        zhang.namingTrace = .object(["rule_set": .string("default"), "family_romanized": .string("zhang"), "given_romanized": .string("wei")])
        let bound = try Self.created(try await store.enqueueBind(zhang))
        var anna = Self.job("a1", address: "anna_smith@example.com", at: now.addingTimeInterval(-60))
        anna.personName = "Anna Smith"
        let waiting = try Self.created(try await store.enqueueBind(anna))

        // 张伟: bound (the first sync status seen then), two more looks at the sync, a callback failed once, then delivered.
        let lease = try #require(try await store.leaseJob(for: 30, now: now.addingTimeInterval(-100)))
        #expect(lease.job.id == bound.jobID && lease.job.personName == "张伟")
        try await store.finishJob(
            lease,
            outcome: .bound(
                bindingID: "b1", syncStatus: "doing",
                followSync: SyncFollow(firstCheckAt: now.addingTimeInterval(-90), deadline: now.addingTimeInterval(600))),
            attempt: JobAttempt(
                number: 1, startedAt: now.addingTimeInterval(-100), finishedAt: now.addingTimeInterval(-99), outcome: .succeeded, logID: "log-1"),
            callback: OutboundCallback(messageID: "hb_z_1", url: "http://127.0.0.1:9/cb", body: Array("{}".utf8)), now: now.addingTimeInterval(-99))
        let check = try #require(try await store.leaseSyncCheck(for: 30, now: now.addingTimeInterval(-90)))
        try await store.syncContinues(check, status: nil, nextCheckAt: now.addingTimeInterval(-80), now: now.addingTimeInterval(-90))
        let again = try #require(try await store.leaseSyncCheck(for: 30, now: now.addingTimeInterval(-80)))
        try await store.syncEnded(again, status: "done", callback: nil, now: now.addingTimeInterval(-80))
        let first = try #require(try await store.leaseCallback(for: 30, now: now.addingTimeInterval(-99)))
        try await store.callbackFailed(
            first, error: "the receiver answered HTTP 503", retryAt: now.addingTimeInterval(-95), now: now.addingTimeInterval(-98))
        let second = try #require(try await store.leaseCallback(for: 30, now: now.addingTimeInterval(-95)))
        try await store.callbackDelivered(second, answer: "HTTP 204", now: now.addingTimeInterval(-94))

        // Anna: one failed attempt within the last minute; she waits for the retry.
        let annaLease = try #require(try await store.leaseJob(for: 30, now: now.addingTimeInterval(-30)))
        let failure = JobFailure(code: "190003", message: "internal error", hint: "hirebind retries")
        try await store.retryJob(
            annaLease,
            attempt: JobAttempt(
                number: 1, startedAt: now.addingTimeInterval(-30), finishedAt: now.addingTimeInterval(-29), outcome: .retry, failure: failure),
            retryAt: now.addingTimeInterval(60), countsAsAttempt: true, outcomeUnknown: false)

        let overview = try await store.overview(now: now)
        #expect(overview.jobs == [.succeeded: 1, .queued: 1])
        #expect(overview.callbacks == [.delivered: 1])
        #expect(overview.callsLastMinute == 1)
        #expect(overview.recentFailures.map(\.jobID) == [waiting.jobID])
        #expect(overview.recentFailures.first?.failure == failure)

        // Search: by name, employee id, address, Feishu user id, romanised names; case-insensitive; % and _ literally.
        for text in ["张伟", "E100", "wei.zhang@", "ou_z1", "zhang wei", "WEI ZHANG"] {
            #expect(try await store.searchJobs(matching: text, limit: 10).map(\.id) == [bound.jobID], "\(text)")
        }
        #expect(try await store.searchJobs(matching: "smith", limit: 10).map(\.id) == [waiting.jobID])
        #expect(try await store.searchJobs(matching: "%", limit: 10).isEmpty)
        #expect(try await store.searchJobs(matching: "anna_", limit: 10).map(\.id) == [waiting.jobID])
        #expect(try await store.searchJobs(matching: "a", limit: 1).map(\.id) == [waiting.jobID], "newest first, within the limit")

        // The person's jobs, newest first: an unbind carries the bind job's name.
        let unbind = try Self.created(
            try await store.enqueueUnbind(NewUnbindJob(source: "hr", eventID: "z-left", employeeID: "E100", callbackURL: nil, receivedAt: now)))
        let history = try await store.jobs(source: "hr", employeeID: "E100")
        #expect(history.map(\.id) == [unbind.jobID, bound.jobID])
        #expect(history.first?.personName == "张伟")
        #expect(try await store.intakes(jobID: bound.jobID).map(\.eventID) == ["z1"])
        #expect(try await store.syncObservations(jobID: bound.jobID).map(\.status) == ["doing", nil, "done"])
        let callbacks = try await store.callbacks(jobID: bound.jobID)
        #expect(callbacks.map(\.messageID) == ["hb_z_1"])
        #expect(callbacks.first?.deliveries.map(\.answer) == ["the receiver answered HTTP 503", "HTTP 204"])
        #expect(callbacks.first?.deliveries.map(\.delivered) == [false, true])
        #expect(callbacks.first?.deliveries.map(\.attempt) == [1, 2])
        #expect(try await store.attempts(jobID: bound.jobID).first?.logID == "log-1")
        #expect(try await store.waitingJobs(limit: 10).map(\.id) == [waiting.jobID])
    }

    @Test(arguments: StoreEngine.all) func oneReplicaLeadsUntilItsClaimExpiresOrItResigns(engine: StoreEngine) async throws {
        let store = try await engine.open()
        let now = Date()
        #expect(try await store.claimLeadership(holder: "a", for: 10, now: now))
        #expect(try await !store.claimLeadership(holder: "b", for: 10, now: now.addingTimeInterval(5)))
        // The leader renews: its claim now runs until now + 15.
        #expect(try await store.claimLeadership(holder: "a", for: 10, now: now.addingTimeInterval(5)))
        #expect(try await !store.claimLeadership(holder: "b", for: 10, now: now.addingTimeInterval(12)))
        // It stopped renewing (it died): another takes over once the claim has expired.
        #expect(try await store.claimLeadership(holder: "b", for: 10, now: now.addingTimeInterval(16)))
        #expect(try await !store.claimLeadership(holder: "a", for: 10, now: now.addingTimeInterval(17)))
        // Only the holder can resign; then the claim is free at once.
        try await store.resignLeadership(holder: "a")
        #expect(try await !store.claimLeadership(holder: "a", for: 10, now: now.addingTimeInterval(18)))
        try await store.resignLeadership(holder: "b")
        #expect(try await store.claimLeadership(holder: "a", for: 10, now: now.addingTimeInterval(18)))
    }

    @Test(arguments: StoreEngine.all) func everySchemaVersionIsApplied(engine: StoreEngine) async throws {
        let versions = try await engine.open().schemaVersions()
        #expect(!versions.isEmpty)
        #expect(versions.allSatisfy { $0.applied && !$0.unknownToThisBuild })
        #expect(versions.map(\.version) == Array(1...versions.count))
    }

    @Test(arguments: StoreEngine.all) func oneRefresherHoldsTheTokenClaim(engine: StoreEngine) async throws {
        let store = try await engine.open()
        let now = Date()
        #expect(try await store.userToken() == nil)
        let pair = UserTokenPair(
            accessToken: .init("a1"), accessExpiresAt: now.addingTimeInterval(60), refreshToken: .init("r1"), refreshExpiresAt: nil, scope: nil)
        let saved = try await store.saveUserToken(pair, now: now)
        #expect(saved.generation == 1)
        let claimed = try #require(try await store.claimTokenRefresh(holder: "one", for: 30, now: now))
        #expect(claimed.pair.accessToken == pair.accessToken && claimed.pair.refreshToken == pair.refreshToken)
        #expect(abs(claimed.pair.accessExpiresAt.timeIntervalSince(pair.accessExpiresAt)) < 0.001)
        #expect(try await store.claimTokenRefresh(holder: "two", for: 30, now: now) == nil)
        let rotated = UserTokenPair(
            accessToken: .init("a2"), accessExpiresAt: now.addingTimeInterval(120), refreshToken: .init("r2"), refreshExpiresAt: nil, scope: nil)
        #expect(try await store.commitTokenRefresh(holder: "two", generation: 1, pair: rotated, now: now) == false)
        #expect(try await store.commitTokenRefresh(holder: "one", generation: 1, pair: rotated, now: now))
        #expect(try await store.userToken()?.generation == 2)
        _ = try #require(try await store.claimTokenRefresh(holder: "two", for: 30, now: now))
        try await store.releaseTokenRefresh(holder: "two", deadReason: "revoked")
        #expect(try await store.userToken()?.deadReason == "revoked")
    }
}
