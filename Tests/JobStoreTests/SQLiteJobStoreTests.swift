// SQLiteJobStoreTests: what only the SQLite engine promises: a file that survives reopening, private to its user.

import Foundation
import HireBindCore
import JobStore
import Secrets
import Testing

@Suite struct SQLiteJobStoreTests {
    @Test func storeSurvivesReopening() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hirebind-reopen-\(UUID().uuidString)")
        let path = folder.appendingPathComponent("jobs.sqlite").path
        let receipt: JobReceipt
        do {
            let first = try SQLiteJobStore(path: path)
            guard case .created(let created) = try await first.enqueueBind(StoreContractTests.job("e1")) else {
                Issue.record("expected a new job")
                return
            }
            receipt = created
        }
        let reopened = try SQLiteJobStore(path: path)
        #expect(try await reopened.job(id: receipt.jobID)?.exchangeAccount == "wei.zhang@example.com")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    /// The -wal and -shm files hold every rotated token pair: private from the first byte, not after the fact.
    @Test func everyFileOfANewStoreIsPrivate() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hirebind-modes-\(UUID().uuidString)/store")
        let path = folder.appendingPathComponent("jobs.sqlite").path
        let store = try SQLiteJobStore(path: path)
        _ = try await store.enqueueBind(StoreContractTests.job("e1"))
        for file in [path, path + "-wal", path + "-shm"] {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file)")
        }
        let folderMode = try FileManager.default.attributesOfItem(atPath: folder.path)[.posixPermissions] as? Int
        #expect(folderMode == 0o700)
    }
}
