// SQLiteToPostgresTests: a store moved from SQLite into a real PostgreSQL reads the same there, and a move
// into a database that holds jobs is refused.

import Foundation
import HireBindCore
import HireBindTesting
import JobStore
import Logging
import Secrets
import Testing

@Suite struct SQLiteToPostgresTests {
    @Test func everythingIsCopiedAndReadsTheSame() async throws {
        let sqlite = try #require(try await StoreEngine.sqlite.open() as? SQLiteJobStore)
        let now = Date()
        var ids: [String] = []
        for index in 0..<1_200 {
            let outcome = try await sqlite.enqueueBind(
                NewBindJob(
                    source: "hr", eventID: "e\(index)", employeeID: "E\(index)", feishuUserID: "ou_\(index)",
                    exchangeAccount: "person\(index)@example.com", adminAccount: "admin@example.com", userIDType: "open_id",
                    callbackURL: "http://127.0.0.1:9/cb", namingTrace: .object(["rule_set": .string("default")]), personName: "张伟",
                    receivedAt: now.addingTimeInterval(Double(index))))
            guard case .created(let receipt) = outcome else { Issue.record("\(outcome)"); return }
            ids.append(receipt.jobID)
        }
        // One job bound with its result delivered; one leased (in flight); the token pair.
        let lease = try #require(try await sqlite.leaseJob(for: 30, now: now))
        try await sqlite.finishJob(
            lease, outcome: .bound(bindingID: "b1", syncStatus: "done", followSync: nil),
            attempt: JobAttempt(number: 1, startedAt: now, finishedAt: now, outcome: .succeeded),
            callback: OutboundCallback(messageID: "hb_x_1", url: "http://127.0.0.1:9/cb", body: Array("{\"ok\":true}".utf8)), now: now)
        let delivery = try #require(try await sqlite.leaseCallback(for: 30, now: now))
        try await sqlite.callbackDelivered(delivery, answer: "HTTP 204", now: now)
        _ = try await sqlite.leaseJob(for: 30, now: now)
        _ = try await sqlite.saveUserToken(
            UserTokenPair(accessToken: .init("a1"), accessExpiresAt: now.addingTimeInterval(600), refreshToken: .init("r1"), refreshExpiresAt: nil, scope: "s"),
            now: now)

        let postgres = try await PostgresFixture.freshStore()
        let counts = try await SQLiteToPostgres(from: sqlite, to: postgres).run()
        #expect(counts.first { $0.table == "jobs" }?.target == 1_200)
        #expect(counts.allSatisfy { $0.source == $0.target })

        // PostgreSQL keeps times to the microsecond, SQLite as doubles: equal to the millisecond.
        func rounded(_ date: Date) -> Date { Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000) }
        for id in [ids[0], lease.job.id, ids[1_199]] {
            var moved = try #require(try await postgres.job(id: id)), original = try #require(try await sqlite.job(id: id))
            moved.receivedAt = moved.receivedAt.map(rounded)
            original.receivedAt = original.receivedAt.map(rounded)
            #expect(moved == original)
        }
        let attempts = { (list: [JobAttempt]) in
            list.map { attempt in
                var attempt = attempt
                attempt.startedAt = rounded(attempt.startedAt)
                attempt.finishedAt = rounded(attempt.finishedAt)
                return attempt
            }
        }
        #expect(attempts(try await postgres.attempts(jobID: lease.job.id)) == attempts(try await sqlite.attempts(jobID: lease.job.id)))
        #expect(try await postgres.callbacks(jobID: lease.job.id).map(\.deliveries.count) == [1])
        #expect(try await postgres.userToken()?.pair.refreshToken?.value == "r1")
        #expect(try await postgres.userToken()?.generation == 1)
        // The ledger and the dedupe window came along: a held address is refused, a repeated event is a duplicate.
        #expect(try await postgres.takenAddresses(among: ["PERSON7@example.com", "free@example.com"]) == ["person7@example.com"])
        #expect(try await postgres.receipt(source: "hr", eventID: "e42")?.jobID == ids[42])
        // New callbacks number on after the copied ones.
        let next = try #require(try await postgres.leaseJob(for: 30, now: Date()))
        try await postgres.finishJob(
            next, outcome: .bound(bindingID: "b2", syncStatus: "done", followSync: nil),
            attempt: JobAttempt(number: 1, startedAt: now, finishedAt: now, outcome: .succeeded),
            callback: OutboundCallback(messageID: "hb_y_1", url: "http://127.0.0.1:9/cb", body: Array("{}".utf8)), now: Date())

        await #expect(throws: SQLiteToPostgres.Refusal.self) { try await SQLiteToPostgres(from: sqlite, to: postgres).run() }
    }
}
