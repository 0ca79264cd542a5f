// SQLiteJobStore+CommitObserving: each group commit of the writer, told to the service's metrics.

extension SQLiteJobStore: CommitObserving {
    public func observeCommits(_ observer: @escaping @Sendable (StoreCommit) -> Void) { writes.observe(observer) }
}
