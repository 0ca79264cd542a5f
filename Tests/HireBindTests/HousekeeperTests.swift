// HousekeeperTests: the purge loop ends when its task is cancelled.

import Foundation
import HireBind
import HireBindTesting
import Logging
import Testing

@Suite struct HousekeeperTests {
    /// A service group cancels its services when one fails (a port another process holds): a loop that watched
    /// only for a graceful shutdown spun on its cancelled sleep, logging an error each turn, and the process
    /// never exited.
    @Test(.timeLimit(.minutes(1))) func cancellingTheTaskEndsTheLoop() async throws {
        let store = try await StoreEngine.sqlite.open()
        let housekeeper = Housekeeper(store: store, dedupeDays: 7, historyDays: 30, interval: .seconds(3600), logger: Logger(label: "housekeeper"))
        let run = Task { try await housekeeper.run() }
        try await Task.sleep(for: .milliseconds(200))
        run.cancel()
        let started = ContinuousClock.now
        _ = await run.result
        // Far inside the hour's interval; generous because the suite runs beside disk-heavy fixtures on two cores.
        #expect(ContinuousClock.now - started < .seconds(30))
    }
}
