// SharedRateLimiterTests: one Feishu budget across replicas: three stores (connection pools, as three replicas
// have) on one real PostgreSQL database, their callers racing.

import FeishuAPI
import Foundation
import HireBind
import HireBindTesting
import JobStore
import Logging
import Testing

@Suite struct SharedRateLimiterTests {
    actor Starts {
        var all: [(ContinuousClock.Instant, Int64)] = []
        func add(_ id: Int64) { all.append((.now, id)) }
    }

    /// 4 calls per 0.5 s, whoever makes them: 24 calls from three replicas, three callers each, never put more
    /// than 4 starts in any half second, and every call is booked once.
    @Test(.timeLimit(.minutes(1))) func threeReplicasTogetherKeepOneLimit() async throws {
        let database = try await PostgresFixture.freshDatabase()
        let logger = Logger(label: "shared-rate")
        var replicas: [SharedRateLimiter] = []
        for _ in 0..<3 {
            let store = try await PostgresJobStore.start(database, logger: logger)
            replicas.append(SharedRateLimiter(windows: store, method: "create", limits: [CallWindowLimit(limit: 4, seconds: 0.5)], logger: logger))
        }
        let limiters = replicas
        let starts = Starts()
        let began = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<9 {
                let limiter = limiters[caller % 3]
                group.addTask {
                    for _ in 0..<(caller < 6 ? 3 : 2) {
                        let ticket = try await limiter.acquire()
                        await starts.add(ticket.id)
                        try await Task.sleep(for: .milliseconds(10))  // the call
                        await limiter.finish(ticket)
                    }
                }
            }
            try await group.waitForAll()
        }
        let times = await starts.all.sorted { $0.0 < $1.0 }
        #expect(times.count == 24)
        #expect(Set(times.map(\.1)).count == 24)
        for (index, start) in times.enumerated() {
            let inWindow = times[index...].prefix { $0.0 - start.0 < .milliseconds(500) }.count
            #expect(inWindow <= 4, "\(inWindow) calls within 0.5 s from call \(index)")
        }
        // 24 calls at 4 per half second need at least 5 windows after the first.
        #expect(ContinuousClock.now - began >= .milliseconds(2500))
    }
}
