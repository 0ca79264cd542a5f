// PostgresJobStore+CommitObserving: each intake batch's statement, told to the service's metrics.

extension PostgresJobStore: CommitObserving {
    /// The intake batches only: the workers' writes are transactions of their own, which the server's WAL writer
    /// already flushes together when they commit at once.
    public func observeCommits(_ observer: @escaping @Sendable (StoreCommit) -> Void) { intakes.observe(observer) }
}
