// SyncSettings: `feishu.sync`, following a new binding's calendar sync to its end.

/// Following a new binding's calendar sync until it ends, for the second (final) HR callback.
public struct SyncSettings: Sendable, Codable {
    public var follow: Bool
    /// Statuses that end the follow-up; `cal_done` and `timespan_done` may be added to report sooner.
    public var finalStatuses: [String]
    /// First look after the bind, doubled after each look up to `max_poll_seconds`.
    public var firstPollSeconds: Double
    public var maxPollSeconds: Double
    /// After this long the follow-up stops and the final callback says the sync had not ended.
    public var deadlineHours: Double

    public init(
        follow: Bool = true, finalStatuses: [String] = ["done", "err"], firstPollSeconds: Double = 30, maxPollSeconds: Double = 1800,
        deadlineHours: Double = 48
    ) {
        self.follow = follow
        self.finalStatuses = finalStatuses
        self.firstPollSeconds = firstPollSeconds
        self.maxPollSeconds = maxPollSeconds
        self.deadlineHours = deadlineHours
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        follow = try c.value(.follow, default: defaults.follow)
        finalStatuses = try c.value(.finalStatuses, default: defaults.finalStatuses)
        firstPollSeconds = try c.value(.firstPollSeconds, default: defaults.firstPollSeconds)
        maxPollSeconds = try c.value(.maxPollSeconds, default: defaults.maxPollSeconds)
        deadlineHours = try c.value(.deadlineHours, default: defaults.deadlineHours)
    }

    enum CodingKeys: String, CodingKey {
        case follow
        case finalStatuses = "final_statuses"
        case firstPollSeconds = "first_poll_seconds"
        case maxPollSeconds = "max_poll_seconds"
        case deadlineHours = "deadline_hours"
    }
}
