// DatabaseSettings: the `database:` section, the durable store: an embedded SQLite file or a shared PostgreSQL.

/// The durable store. `path` is the embedded SQLite file (the default, for one machine); `url` selects PostgreSQL
/// instead, the engine several replicas share. `HIREBIND_DATABASE_URL` overrides `url`.
public struct DatabaseSettings: Sendable, Codable {
    /// SQLite file; created with its folder when missing. Unused when `url` is set.
    public var path: String
    /// `postgres://USER@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]`: PostgreSQL instead of SQLite.
    public var url: String?
    /// The PostgreSQL password, as `{env: …}` or `{file: …}`, so that the URL need not hold it.
    public var password: SecretReference?
    /// Connections each replica keeps to PostgreSQL at most.
    public var maxConnections: Int
    /// How long a delivered event id is remembered: a repeat within this window gets the first job's answer.
    /// HR senders retry for days; keep it above their retry horizon.
    public var dedupeDays: Double
    /// How long finished history (attempts of final jobs, delivered or dead callbacks) is kept for audits; jobs
    /// themselves are kept, as the address ledger.
    public var historyDays: Double
    /// How often the housekeeper forgets what is older than those two windows.
    public var housekeepingMinutes: Double

    public init(
        path: String = "var/hirebind.sqlite", url: String? = nil, password: SecretReference? = nil, maxConnections: Int = 20,
        dedupeDays: Double = 7, historyDays: Double = 90, housekeepingMinutes: Double = 60
    ) {
        self.path = path
        self.url = url
        self.password = password
        self.maxConnections = maxConnections
        self.dedupeDays = dedupeDays
        self.historyDays = historyDays
        self.housekeepingMinutes = housekeepingMinutes
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        path = try c.value(.path, default: defaults.path)
        url = try c.decodeIfPresent(String.self, forKey: .url)
        password = try c.decodeIfPresent(SecretReference.self, forKey: .password)
        maxConnections = try c.value(.maxConnections, default: defaults.maxConnections)
        dedupeDays = try c.value(.dedupeDays, default: defaults.dedupeDays)
        historyDays = try c.value(.historyDays, default: defaults.historyDays)
        housekeepingMinutes = try c.value(.housekeepingMinutes, default: defaults.housekeepingMinutes)
    }

    enum CodingKeys: String, CodingKey {
        case path, url, password
        case maxConnections = "max_connections"
        case dedupeDays = "dedupe_days"
        case historyDays = "history_days"
        case housekeepingMinutes = "housekeeping_minutes"
    }
}
