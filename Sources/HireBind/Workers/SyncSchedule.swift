// SyncSchedule: when a binding's calendar sync is looked at next: doubling pauses, capped, with jitter.

import Foundation

/// The pauses between looks at a binding's sync, from `feishu.sync`.
struct SyncSchedule: Sendable {
    let settings: SyncSettings
    /// Up to this share is added to each pause, so many bindings made together are not looked at together.
    static let jitter = 0.1

    /// The wait before look number `checks + 1`: doubling from the first, capped, plus jitter.
    func delay(afterChecks checks: Int) -> Double {
        let base = min(settings.maxPollSeconds, settings.firstPollSeconds * pow(2, Double(min(checks, 30))))
        return base * Double.random(in: 1...(1 + Self.jitter))
    }

    /// Whether the binding's sync is still to be followed after Feishu answered `status`.
    func follows(after status: String?) -> Bool {
        settings.follow && !(status.map(settings.finalStatuses.contains) ?? false)
    }
}
