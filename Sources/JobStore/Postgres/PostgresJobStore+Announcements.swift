// PostgresJobStore+Announcements: the WorkAnnouncements contract on PostgreSQL: NOTIFY in the writing transaction, LISTEN on one connection.

import PostgresNIO

extension PostgresJobStore: WorkAnnouncements {
    /// The channel every replica listens on; the payload is a ``QueuedWork`` raw value.
    static let workChannel = "hirebind_work"

    public func listenForWork(_ heard: @escaping @Sendable (QueuedWork) -> Void) async throws {
        try await PostgresStoreError.reporting { try await listen(heard) }
    }

    private func listen(_ heard: @escaping @Sendable (QueuedWork) -> Void) async throws {
        try await client.withConnection { connection in
            // Not on a connection that is already gone: the LISTEN would never be answered.
            try connection.ensureOpen()
            try await connection.listen(on: Self.workChannel) { notifications in
                for try await notification in notifications {
                    if let work = QueuedWork(rawValue: notification.payload) { heard(work) }
                }
            }
        }
    }
}

extension PostgresTransaction {
    /// Tells every listening replica, when this transaction commits, that `work` was queued (PostgreSQL sends
    /// a notice only on commit, and one per payload however often a transaction repeats it).
    func announce(_ work: QueuedWork) async throws {
        try await rows("SELECT pg_notify(\(PostgresJobStore.workChannel), \(work.rawValue))")
    }
}
