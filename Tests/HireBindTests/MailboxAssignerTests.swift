// MailboxAssignerTests: the naming decision made outside the store, the store's uniqueness deciding races.

import Foundation
import HireBind
import HireBindCore
import HireBindTesting
import JobStore
import MailboxNaming
import Secrets
import Testing

@Suite struct MailboxAssignerTests {
    let store: any HireBindStore
    let intake: JobIntake

    init() async throws {
        store = try await StoreEngine.sqlite.open()
        intake = try Self.intake(store: store, namer: MailboxNamer(domain: "example.com"))
    }

    static func intake(store: any HireBindStore, namer: MailboxNamer) -> JobIntake {
        JobIntake(
            store: store, assigner: MailboxAssigner(namer: namer, defaultAdminAccount: "admin@example.com"), userIDType: "open_id",
            defaultCallbackURL: nil, doorbell: Doorbell()
        )
    }

    static func event(_ id: String, given: String = "伟", family: String = "张") -> NewHireEvent {
        NewHireEvent(
            eventID: id, occurredAt: "2026-11-25T09:00:00Z",
            employee: Employee(employeeID: "E-\(id)", givenName: given, familyName: family, feishuUserID: "ou_\(id)")
        )
    }

    func accept(_ event: NewHireEvent, with intake: JobIntake? = nil) async throws -> JobReceipt {
        guard case .created(let receipt) = try await (intake ?? self.intake).accept(event, source: "hr") else {
            throw StackError.timeout("expected a new job for \(event.eventID)")
        }
        return receipt
    }

    func trace(_ jobID: String) async throws -> NamingTrace {
        let recorded = try #require(try await store.job(id: jobID)?.namingTrace)
        return try JSONDecoder().decode(NamingTrace.self, from: JSONEncoder().encode(recorded))
    }

    @Test func theFirstCandidateIsChosenAndExplained() async throws {
        let receipt = try await accept(Self.event("e1"))
        #expect(receipt.exchangeAccount == "wei.zhang@example.com")
        let trace = try await trace(receipt.jobID)
        #expect(trace.steps == [NamingTrace.Step(candidate: "wei.zhang@example.com", origin: "{given}.{family}", outcome: "chosen")])
        #expect(trace.familyRomanized == "zhang")
        #expect(try await store.job(id: receipt.jobID)?.adminAccount == "admin@example.com")
    }

    @Test func sameNameGetsTheNextAddress() async throws {
        let first = try await accept(Self.event("e1"))
        let second = try await accept(Self.event("e2"))
        #expect(first.exchangeAccount == "wei.zhang@example.com")
        #expect(second.exchangeAccount == "wei.zhang2@example.com")
        #expect(try await trace(second.jobID).steps.map(\.outcome) == ["already handed out", "chosen"])
    }

    @Test func uniquenessIsCaseInsensitive() async throws {
        _ = try await accept(Self.event("e1", given: "Anna", family: "Lee"))
        #expect(try await accept(Self.event("e2", given: "ANNA", family: "LEE")).exchangeAccount == "anna.lee2@example.com")
    }

    @Test func concurrentSameNamesGetDistinctAddresses() async throws {
        let count = 60
        let receipts = try await withThrowingTaskGroup(of: JobReceipt.self) { group in
            for index in 0..<count {
                group.addTask { try await self.accept(Self.event("c\(index)")) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(receipts.map(\.exchangeAccount)).count == count)
        #expect(Set(receipts.map(\.jobID)).count == count)
    }

    @Test func backfillOfManySameNamedPeopleGivesEachTheirOwnAddress() async throws {
        var addresses: [String] = []
        for index in 0..<300 {
            addresses.append(try await accept(Self.event("b\(index)")).exchangeAccount)
        }
        #expect(Set(addresses).count == 300)
        #expect(addresses.first == "wei.zhang@example.com")
        #expect(addresses.last == "wei.zhang300@example.com")
    }

    @Test func neverReuseAndReservedAddressesAreSkipped() async throws {
        let namer = try MailboxNamer(policy: NamingPolicy(ruleSets: [NamingRuleSet(domain: "example.com")], neverReuse: ["wei.zhang@example.com"]))
        let receipt = try await accept(Self.event("n1"), with: Self.intake(store: store, namer: namer))
        #expect(receipt.exchangeAccount == "wei.zhang2@example.com")
        #expect(try await trace(receipt.jobID).steps.map(\.outcome) == ["on the never-reuse list", "chosen"])
    }

    @Test func theRecordedTraceHasTheShapeOfItsCodableForm() async throws {
        let namer = try MailboxNamer(
            policy: NamingPolicy(ruleSets: [NamingRuleSet(domain: "example.com", templates: ["{preferred_given}.{family}", "{given}.{family}"])]))
        let receipt = try await accept(Self.event("t1"), with: Self.intake(store: store, namer: namer))
        let recorded = try #require(try await store.job(id: receipt.jobID)?.namingTrace)
        let trace = try JSONDecoder().decode(NamingTrace.self, from: JSONEncoder().encode(recorded))
        // A template this person cannot fill has no candidate: the key is left out, as the encoder does.
        #expect(
            trace.steps.first == NamingTrace.Step(candidate: nil, origin: "{preferred_given}.{family}", outcome: "no preferred given for this person")
        )
        #expect(recorded == (try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(trace))))
    }

    @Test func aRepeatedEventIsAnsweredWithTheFirstJob() async throws {
        let first = try await accept(Self.event("e1"))
        #expect(try await intake.accept(Self.event("e1"), source: "hr") == .duplicate(first))
    }

    @Test func offboardingAnUnknownEmployeeIsRefused() async throws {
        var event = Self.event("t1")
        event.eventType = NewHireEvent.terminatedType
        await #expect(throws: JobIntake.Refusal.self) { try await intake.accept(event, source: "hr") }
    }
}
