import Foundation
import HireBindCore
import JobStore
import MailboxNaming
import Testing

@Suite struct SQLiteJobStoreTests {
    let store: SQLiteJobStore
    let namer = try! MailboxNamer(domain: "example.com")

    init() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hirebind-store-\(UUID().uuidString)")
        store = try SQLiteJobStore(path: folder.appendingPathComponent("jobs.sqlite").path)
    }

    func intake(_ eventID: String, given: String = "伟", family: String = "张", callback: String? = "http://127.0.0.1:9/cb", at date: Date = Date()) -> Intake {
        Intake(
            source: "hr",
            event: NewHireEvent(
                eventID: eventID, occurredAt: "2026-11-25T09:00:00Z",
                employee: Employee(employeeID: "E-\(eventID)", givenName: given, familyName: family, feishuUserID: "ou_\(eventID)")
            ),
            adminAccount: "admin@example.com", userIDType: "open_id", callbackURL: callback, receivedAt: date
        )
    }

    func enqueue(_ intake: Intake) async throws -> EnqueueOutcome {
        try await store.enqueue(intake, plan: namer.plan(for: PersonName(given: intake.event.employee.givenName, family: intake.event.employee.familyName)))
    }

    @Test func enqueueWritesJobIntakeAndReservation() async throws {
        let outcome = try await enqueue(intake("e1"))
        guard case .created(let receipt) = outcome else { Issue.record("expected a new job"); return }
        #expect(receipt.exchangeAccount == "wei.zhang@example.com")
        #expect(receipt.status == .queued)
        let job = try #require(try await store.job(id: receipt.jobID))
        #expect(job.eventID == "e1")
        #expect(job.exchangeAccount == "wei.zhang@example.com")
        #expect(job.namingTrace?.steps == [NamingTrace.Step(candidate: "wei.zhang@example.com", origin: "{given}.{family}", outcome: "chosen")])
        #expect(job.namingTrace?.familyRomanized == "zhang")
        #expect(try await store.receipt(source: "hr", eventID: "e1") == receipt)
    }

    @Test func repeatedEventReturnsTheFirstJob() async throws {
        let first = try await enqueue(intake("e1"))
        let second = try await enqueue(intake("e1"))
        #expect(second == .duplicate(first.receipt))
        #expect(try await store.jobs(status: nil, limit: 10).count == 1)
    }

    @Test func dedupeHoldsUntilTheIntakeRecordIsPurged() async throws {
        let now = Date()
        let old = try await enqueue(intake("e-old", at: now.addingTimeInterval(-8 * 86_400)))
        let recent = try await enqueue(intake("e-new", at: now.addingTimeInterval(-6 * 86_400)))
        #expect(try await store.purgeIntakes(receivedBefore: now.addingTimeInterval(-7 * 86_400)) == 1)
        // Within the window the first answer stands; past it the event makes a new job.
        #expect(try await enqueue(intake("e-new")) == .duplicate(recent.receipt))
        guard case .created(let again) = try await enqueue(intake("e-old")) else { Issue.record("expected a new job"); return }
        #expect(again.jobID != old.receipt.jobID)
        #expect(try await store.job(id: old.receipt.jobID) != nil)
    }

    @Test func sameNameGetsTheNextAddress() async throws {
        let first = try await enqueue(intake("e1"))
        let second = try await enqueue(intake("e2"))
        #expect(first.receipt.exchangeAccount == "wei.zhang@example.com")
        #expect(second.receipt.exchangeAccount == "wei.zhang2@example.com")
        let job = try #require(try await store.job(id: second.receipt.jobID))
        #expect(job.namingTrace?.steps.map(\.outcome) == ["already handed out", "chosen"])
    }

    @Test func uniquenessIsCaseInsensitive() async throws {
        _ = try await enqueue(intake("e1", given: "Anna", family: "Lee"))
        let second = try await enqueue(intake("e2", given: "ANNA", family: "LEE"))
        #expect(second.receipt.exchangeAccount == "anna.lee2@example.com")
    }

    @Test func concurrentSameNamesGetDistinctAddresses() async throws {
        let count = 60
        let receipts = try await withThrowingTaskGroup(of: JobReceipt.self) { group in
            for index in 0..<count {
                group.addTask { try await self.enqueue(self.intake("c\(index)")).receipt }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(receipts.map(\.exchangeAccount)).count == count)
        #expect(Set(receipts.map(\.jobID)).count == count)
    }

    @Test func backfillOfManySameNamedPeopleGivesEachTheirOwnAddress() async throws {
        var addresses: [String] = []
        for index in 0..<300 {
            addresses.append(try await enqueue(intake("b\(index)")).receipt.exchangeAccount)
        }
        #expect(Set(addresses).count == 300)
        #expect(addresses.first == "wei.zhang@example.com")
        #expect(addresses.last == "wei.zhang300@example.com")
    }

    @Test func neverReuseAndReservedAddressesAreSkippedInTheStore() async throws {
        let namer = try MailboxNamer(policy: NamingPolicy(ruleSets: [NamingRuleSet(domain: "example.com")], neverReuse: ["wei.zhang@example.com"]))
        let receipt = try await store.enqueue(intake("n1"), plan: namer.plan(for: PersonName(given: "伟", family: "张"))).receipt
        #expect(receipt.exchangeAccount == "wei.zhang2@example.com")
        let job = try #require(try await store.job(id: receipt.jobID))
        #expect(job.namingTrace?.steps.map(\.outcome) == ["on the never-reuse list", "chosen"])
    }

    @Test func leaseIsExclusiveUntilItExpires() async throws {
        let start = Date()
        _ = try await enqueue(intake("e1", at: start))
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
            try await store.finishJob(lease, outcome: .bound(bindingID: "x", syncStatus: "doing", followSync: nil), attempt: attempt, callback: nil, now: start)
        }
    }

    @Test func finishingWritesOutcomeAndCallbackTogether() async throws {
        let now = Date()
        _ = try await enqueue(intake("e1", at: now))
        let lease = try #require(try await store.leaseJob(for: 30, now: now))
        let result = BindResult(eventID: "e1", employeeID: "E-e1", jobID: lease.job.id, status: .bound, exchangeAccount: lease.job.exchangeAccount, exchangeBindingID: "b1")
        try await store.finishJob(
            lease, outcome: .bound(bindingID: "b1", syncStatus: "doing", followSync: nil),
            attempt: JobAttempt(number: 1, startedAt: now, finishedAt: now, outcome: .succeeded, logID: "log-1"),
            callback: result, now: now
        )
        let job = try #require(try await store.job(id: lease.job.id))
        #expect(job.status == .succeeded)
        #expect(job.bindingID == "b1")
        #expect(try await store.attempts(jobID: job.id).map(\.logID) == ["log-1"])
        #expect(try await store.callbackStatus(jobID: job.id) == .pending)

        let delivery = try #require(try await store.leaseCallback(for: 30, now: now))
        #expect(delivery.url == "http://127.0.0.1:9/cb")
        let body = try JSONDecoder().decode(BindResult.self, from: Data(delivery.body))
        #expect(body == result)
        try await store.callbackFailed(delivery, error: "HTTP 503", retryAt: now.addingTimeInterval(5))
        #expect(try await store.leaseCallback(for: 30, now: now.addingTimeInterval(1)) == nil)
        let again = try #require(try await store.leaseCallback(for: 30, now: now.addingTimeInterval(6)))
        #expect(again.attempts == 2)
        #expect(again.messageID == delivery.messageID)
        try await store.callbackDelivered(again, now: now.addingTimeInterval(6))
        #expect(try await store.callbackStatus(jobID: job.id) == .delivered)
    }

    @Test func retryReschedulesAndRateLimitsDoNotCount() async throws {
        let now = Date()
        _ = try await enqueue(intake("e1", at: now))
        let failure = JobFailure(code: "190004", message: "method rate limited", hint: "")
        let first = try #require(try await store.leaseJob(for: 30, now: now))
        try await store.retryJob(first, attempt: JobAttempt(number: 1, startedAt: now, finishedAt: now, outcome: .retry, failure: failure), retryAt: now.addingTimeInterval(2), countsAsAttempt: false, outcomeUnknown: false)
        #expect(try await store.leaseJob(for: 30, now: now.addingTimeInterval(1)) == nil)
        let second = try #require(try await store.leaseJob(for: 30, now: now.addingTimeInterval(2)))
        #expect(second.job.attempts == 1)
        #expect(!second.job.outcomeUnknown)
        #expect(second.job.lastError == failure)
        let due = try #require(try await store.nextDueDate(.jobs))
        #expect(abs(due.timeIntervalSince(now.addingTimeInterval(32))) < 0.001)
    }

    @Test func jobsWithoutCallbackURLQueueNoCallback() async throws {
        let now = Date()
        _ = try await enqueue(intake("e1", callback: nil, at: now))
        let lease = try #require(try await store.leaseJob(for: 30, now: now))
        let failure = JobFailure(code: "195100", message: "user gone", hint: "check")
        try await store.finishJob(lease, outcome: .failed(failure), attempt: JobAttempt(number: 1, startedAt: now, finishedAt: now, outcome: .failed, failure: failure), callback: BindResult(eventID: "e1", employeeID: "E", jobID: lease.job.id, status: .failed, exchangeAccount: "x", error: failure), now: now)
        #expect(try await store.callbackStatus(jobID: lease.job.id) == nil)
        #expect(try await store.jobs(status: .failed, limit: 10).map(\.id) == [lease.job.id])
    }

    @Test func storeSurvivesReopening() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hirebind-reopen-\(UUID().uuidString)")
        let path = folder.appendingPathComponent("jobs.sqlite").path
        let receipt: JobReceipt
        do {
            let first = try SQLiteJobStore(path: path)
            receipt = try await first.enqueue(intake("e1"), plan: namer.plan(for: PersonName(given: "伟", family: "张"))).receipt
        }
        let reopened = try SQLiteJobStore(path: path)
        #expect(try await reopened.job(id: receipt.jobID)?.exchangeAccount == "wei.zhang@example.com")
    }

    @Test func anUnknownOutcomeStaysKnownAsSuch() async throws {
        let now = Date()
        _ = try await enqueue(intake("e1", at: now))
        let timeout = JobFailure(code: "timeout", message: "", hint: "")
        let limited = JobFailure(code: "99991400", message: "", hint: "")
        let first = try #require(try await store.leaseJob(for: 30, now: now))
        try await store.retryJob(first, attempt: JobAttempt(number: 1, startedAt: now, finishedAt: now, outcome: .retry, failure: timeout), retryAt: now, countsAsAttempt: true, outcomeUnknown: true)
        // A rate-limited lookup afterwards does not make the first call's outcome known.
        let second = try #require(try await store.leaseJob(for: 30, now: now))
        #expect(second.job.outcomeUnknown)
        try await store.retryJob(second, attempt: JobAttempt(number: 2, startedAt: now, finishedAt: now, outcome: .retry, failure: limited), retryAt: now, countsAsAttempt: false, outcomeUnknown: false)
        let third = try #require(try await store.leaseJob(for: 30, now: now))
        #expect(third.job.outcomeUnknown)
    }
}
