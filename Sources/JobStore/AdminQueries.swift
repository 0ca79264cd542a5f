// AdminQueries: the store's read-only contract for the admin API and the CLI.

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
}
