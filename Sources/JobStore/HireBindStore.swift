// HireBindStore: every store contract in one, what an engine (SQLite, PostgreSQL) implements.

/// A whole store engine: what the service is assembled with. Parts of the service take only the contract
/// they use (the intake an ``IntakeLedger``, the deliverer a ``CallbackOutbox``, …).
public typealias HireBindStore = IntakeLedger & JobQueue & CallbackOutbox & SyncCheckQueue & UserTokenStore & AdminQueries & StoreRetention
    & LeaderElection & SchemaMigrations & CommitObserving
