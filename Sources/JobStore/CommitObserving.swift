// CommitObserving: each group commit of a store, told to whoever watches (the service's metrics).

/// One commit (or try) of a store's group commit: how many writes shared it, how long it took, whether it failed.
/// What bounds an intake's latency is its batch's commit: with `synchronous=FULL` on SQLite, the disk's sync.
public struct StoreCommit: Sendable, Equatable {
    public var writes: Int
    public var duration: Duration
    public var failed: Bool

    public init(writes: Int, duration: Duration, failed: Bool) {
        self.writes = writes
        self.duration = duration
        self.failed = failed
    }
}

/// A store whose group commits can be watched. The observer runs on the committing thread after each commit,
/// before its writes are answered: it must be quick (a metric's update) and must not touch the store.
public protocol CommitObserving: Sendable {
    func observeCommits(_ observer: @escaping @Sendable (StoreCommit) -> Void)
}
