// StoreMetricsTests: the store's group commits are measured at /metrics.

import Foundation
import HireBindTesting
import Testing

@Suite struct StoreMetricsTests {
    /// A bound hire took an intake, a lease and a settle: at least three writes in the commits measured, each
    /// commit with its duration (on SQLite, the disk's sync every write of it waited for).
    @Test func everyGroupCommitIsMeasured() async throws {
        try await Stack.with { stack in
            let answer = try await stack.postWebhook(Stack.event("evt-commit-metrics"))
            _ = try await stack.finishedJob(try #require(answer.json["job_id"] as? String))
            let metrics = try await stack.metricsText()
            let commits = try #require(Self.value(of: "hirebind_store_commit_seconds_count", in: metrics))
            let writes = try #require(Self.value(of: "hirebind_store_commit_writes_sum", in: metrics))
            let batches = try #require(Self.value(of: "hirebind_store_commit_writes_count", in: metrics))
            // The idle workers' polls commit too, between the two histograms' lines: counts, not equality.
            #expect(commits >= 1)
            #expect(batches >= 1)
            #expect(writes >= 3, "the intake, the lease and the settle")
            #expect(try #require(Self.value(of: "hirebind_store_commit_seconds_sum", in: metrics)) > 0)
            #expect(!metrics.contains("hirebind_store_commit_failures_total"))
        }
    }

    static func value(of name: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }
}
