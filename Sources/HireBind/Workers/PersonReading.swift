// PersonReading: the stage before naming for id-only events: who the person a read job names is.

import HireBindCore

/// Reads the person an id-only event named from where the event came from (Feishu People, an HR system's API)
/// and turns them into the hire the intake takes. One reader per source; the bind worker asks the job's.
protocol PersonReading: Sendable {
    func read(_ job: BindJob) async -> PersonReadOutcome
}

/// What reading a person gave.
enum PersonReadOutcome: Sendable {
    /// The hire to queue, and where each field came from (kept in the naming trace).
    case hire(NewHireEvent, provenance: [String])
    /// Not now: retried (the API failed or throttled, the person is not readable yet) or failed with the reason.
    case setback(Setback)
}
