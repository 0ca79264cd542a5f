// ContestedIntakes: the group-commit tests' workload, the same for both engines: 100 people with their own
// addresses, each event sent twice at once, and 50 people wanting one address.

import HireBindCore
import JobStore
import Testing

enum ContestedIntakes {
    /// The intakes, shuffled: each own event twice, each shared-address event once.
    static func jobs() -> [NewBindJob] {
        var jobs: [NewBindJob] = []
        for i in 0..<100 {
            let job = StoreContractTests.job("own-\(i)", address: "person\(i)@example.com")
            jobs += [job, job]
        }
        for i in 0..<50 { jobs.append(StoreContractTests.job("shared-\(i)", address: "shared@example.com")) }
        return jobs.shuffled()
    }

    /// Jobs created per address (lower case), duplicates, addresses refused.
    static func tally(_ outcomes: [EnqueueOutcome]) -> (created: [String: Int], duplicates: Int, taken: Int) {
        var created: [String: Int] = [:]
        var duplicates = 0
        var taken = 0
        for outcome in outcomes {
            switch outcome {
            case .created(let receipt): created[receipt.exchangeAccount.lowercased(), default: 0] += 1
            case .duplicate: duplicates += 1
            case .addressTaken: taken += 1
            }
        }
        return (created, duplicates, taken)
    }

    /// Sends every intake to `store` at once.
    static func send(_ jobs: [NewBindJob], to store: some IntakeLedger) async throws -> [EnqueueOutcome] {
        try await withThrowingTaskGroup(of: EnqueueOutcome.self) { group in
            for job in jobs { group.addTask { try await store.enqueueBind(job) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    /// Sends the workload to `store` once, all at once, and checks that it was decided as one intake at a time
    /// would have been: each person once, one of the 50 the shared address, every second copy a duplicate.
    static func check(_ store: some IntakeLedger & AdminQueries) async throws {
        let (created, duplicates, taken) = tally(try await send(jobs(), to: store))
        #expect(created.count == 101, "each of the 100 people once, and one of the 50 who wanted the shared address")
        #expect(created.values.allSatisfy { $0 == 1 })
        #expect(duplicates == 100)
        #expect(taken == 49)
        let stored = try await store.jobs(status: .queued, limit: 1000)
        #expect(stored.count == 101)
        #expect(Set(stored.map { $0.exchangeAccount.lowercased() }).count == 101)
    }
}
