// DatabaseSettings: the `database:` section, the durable store.

/// The durable store.
public struct DatabaseSettings: Sendable, Codable {
    /// SQLite file; created with its folder when missing.
    public var path: String
    /// How long a delivered event id is remembered: a repeat within this window gets the first job's answer.
    /// HR senders retry for days; keep it above their retry horizon.
    public var dedupeDays: Double
    /// How long finished history (attempts of final jobs, delivered or dead callbacks) is kept for audits; jobs
    /// themselves are kept, as the address ledger.
    public var historyDays: Double
    /// How often the housekeeper forgets what is older than those two windows.
    public var housekeepingMinutes: Double

    public init(path: String = "var/hirebind.sqlite", dedupeDays: Double = 7, historyDays: Double = 90, housekeepingMinutes: Double = 60) {
        self.path = path
        self.dedupeDays = dedupeDays
        self.historyDays = historyDays
        self.housekeepingMinutes = housekeepingMinutes
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        path = try c.value(.path, default: defaults.path)
        dedupeDays = try c.value(.dedupeDays, default: defaults.dedupeDays)
        historyDays = try c.value(.historyDays, default: defaults.historyDays)
        housekeepingMinutes = try c.value(.housekeepingMinutes, default: defaults.housekeepingMinutes)
    }

    enum CodingKeys: String, CodingKey {
        case path
        case dedupeDays = "dedupe_days"
        case historyDays = "history_days"
        case housekeepingMinutes = "housekeeping_minutes"
    }
}
