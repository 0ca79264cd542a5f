// WorkAnnouncements: the store's contract for telling idle replicas that another one queued work.

/// What was queued: work for the bind workers, or results for the callback deliverer.
public enum QueuedWork: String, Sendable, CaseIterable {
    case jobs, callbacks
}

/// New work announced to every replica the moment it is committed (PostgreSQL's `LISTEN`/`NOTIFY`), so that an
/// idle replica starts on a job another replica took in without waiting for its next poll. Only an engine
/// shared by several processes has it; polling stays the fallback when a notice is lost with a connection.
public protocol WorkAnnouncements: Sendable {
    /// Calls `heard` each time any replica commits new work, until cancelled; throws when the connection fails.
    func listenForWork(_ heard: @escaping @Sendable (QueuedWork) -> Void) async throws
}
