// AdminQueries: the store's read-only contract for the admin API, the console and the CLI.

public import Foundation
public import HireBindCore

/// What operators look at: jobs, their attempts and their callbacks. Reads only.
public protocol AdminQueries: Sendable {
    func job(id: String) async throws -> BindJob?
    /// Jobs in creation order, of one status or all.
    func jobs(status: JobStatus?, limit: Int) async throws -> [BindJob]
    /// The status of each of these jobs that exists (a backfill followed to its end asks for its own).
    func statuses(ofJobs ids: [String]) async throws -> [String: JobStatus]
    /// A job's calls to Feishu, oldest first.
    func attempts(jobID: String) async throws -> [JobAttempt]
    /// Callbacks in outbox order, of one status or all.
    func callbacks(status: CallbackStatus?, limit: Int) async throws -> [CallbackRecord]
    /// The status of the job's latest callback.
    func callbackStatus(jobID: String) async throws -> CallbackStatus?

    /// Counts by status and the latest failures, for the console's overview.
    func overview(now: Date) async throws -> StoreOverview
    /// Jobs whose person's name, employee id, address, Feishu user id, job id or romanised names contain `text`
    /// (case-insensitive), newest first.
    func searchJobs(matching text: String, limit: Int) async throws -> [BindJob]
    /// Every job of one person of one source (bind, unbind, read, refused), newest first.
    func jobs(source: String, employeeID: String) async throws -> [BindJob]
    /// Queued jobs that have failed before: waiting for a retry or for an operator, soonest due first.
    func waitingJobs(limit: Int) async throws -> [BindJob]
    /// The events the job was made from, or answered as a repeat of it, while their dedupe records last.
    func intakes(jobID: String) async throws -> [IntakeRecord]
    /// The job's callbacks, oldest first, each with its delivery history.
    func callbacks(jobID: String) async throws -> [CallbackHistory]
    /// Each look at the binding's calendar sync, oldest first.
    func syncObservations(jobID: String) async throws -> [SyncObservation]
}

/// The console's overview of the store.
public struct StoreOverview: Sendable, Hashable {
    /// Jobs of every kind by status.
    public var jobs: [JobStatus: Int]
    public var callbacks: [CallbackStatus: Int]
    /// Feishu calls of jobs (attempts) that started in the 60 s before `now`, across every replica.
    public var callsLastMinute: Int
    /// The latest failed attempts, newest first.
    public var recentFailures: [RecentFailure]

    public init(jobs: [JobStatus: Int], callbacks: [CallbackStatus: Int], callsLastMinute: Int, recentFailures: [RecentFailure]) {
        self.jobs = jobs
        self.callbacks = callbacks
        self.callsLastMinute = callsLastMinute
        self.recentFailures = recentFailures
    }
}

/// A failed attempt of a job.
public struct RecentFailure: Sendable, Hashable {
    public var jobID: String
    public var at: Date
    public var failure: JobFailure

    public init(jobID: String, at: Date, failure: JobFailure) {
        self.jobID = jobID
        self.at = at
        self.failure = failure
    }
}

/// An event the intake took for a job.
public struct IntakeRecord: Sendable, Hashable {
    public var source: String
    public var eventID: String
    public var receivedAt: Date

    public init(source: String, eventID: String, receivedAt: Date) {
        self.source = source
        self.eventID = eventID
        self.receivedAt = receivedAt
    }
}

/// A callback and each attempt to deliver it.
public struct CallbackHistory: Sendable, Hashable {
    public var callback: CallbackRecord
    public var messageID: String
    public var createdAt: Date
    public var deliveries: [Delivery]

    /// One delivery attempt and what the receiver answered (or why it could not be reached).
    public struct Delivery: Sendable, Hashable {
        public var attempt: Int
        public var at: Date
        public var delivered: Bool
        public var answer: String

        public init(attempt: Int, at: Date, delivered: Bool, answer: String) {
            self.attempt = attempt
            self.at = at
            self.delivered = delivered
            self.answer = answer
        }
    }

    public init(callback: CallbackRecord, messageID: String, createdAt: Date, deliveries: [Delivery]) {
        self.callback = callback
        self.messageID = messageID
        self.createdAt = createdAt
        self.deliveries = deliveries
    }
}

/// What one look at a binding's calendar sync saw; a nil status is a look that failed.
public struct SyncObservation: Sendable, Hashable {
    public var at: Date
    public var status: String?

    public init(at: Date, status: String?) {
        self.at = at
        self.status = status
    }
}
