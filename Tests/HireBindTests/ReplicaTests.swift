// ReplicaTests: three replicas on one PostgreSQL database, behind a "load balancer" that spreads the events.

import DryRun
import FeishuSandbox
import Foundation
import HireBindCore
import HireBindTesting
import JobStore
import Testing

@Suite struct ReplicaTests {
    /// Thirty hires of people with one name, sent round-robin to three replicas, each sent again to another
    /// replica: every person is bound once, under an address of their own, and their result is delivered once.
    @Test(.timeLimit(.minutes(2))) func eventsSpreadOverReplicasAreEachBoundOnce() async throws {
        try await Stack.replicas(3) { replicas in
            let people = 30
            var jobIDs: Set<String> = []
            var addresses: Set<String> = []
            for index in 0..<people {
                let event = Stack.event("r-\(index)", userID: "ou_r\(index)")
                let answer = try await replicas[index % 3].postWebhook(event)
                #expect(answer.status == 202, "event \(index): \(answer.json)")
                let repeated = try await replicas[(index + 1) % 3].postWebhook(event)
                #expect(repeated.status == 200)
                #expect(repeated.json["job_id"] as? String == answer.json["job_id"] as? String)
                jobIDs.insert(try #require(answer.json["job_id"] as? String))
                addresses.insert(try #require(answer.json["exchange_account"] as? String))
            }
            #expect(jobIDs.count == people)
            #expect(addresses.count == people)
            #expect(addresses.contains("wei.zhang@example.com"))

            let deliveries = await replicas[0].receiver.inbox.waitFor(count: people, seconds: 60)
            #expect(deliveries.count == people)
            #expect(Set(deliveries.compactMap { $0.headers["webhook-id"] }).count == people)
            for id in jobIDs {
                let job = try await replicas[1].finishedJob(id, seconds: 30)
                #expect((job["job"] as? [String: Any])?["status"] as? String == "succeeded")
            }
            let bindings = await replicas[0].sandbox.state.allBindings()
            #expect(bindings.count == people)
            #expect(bindings.allSatisfy { $0.createCalls == 1 })
            #expect(Set(bindings.map(\.exchangeAccount)) == addresses)
            #expect(await replicas[0].sandbox.state.rateLimitedCalls == 0)
        }
    }
}
