// Backfill: many people queued at once (the directory's, a CSV's), each bound once, resumable, with progress and a summary.

import Foundation
public import HireBindCore
public import JobStore
import MailboxNaming

/// Queues a bind for each person who has none from the source. Each person is one transaction and is queued
/// "unless bound", so a run stopped by Ctrl-C or a crash is resumed by running it again: the people already
/// queued are counted as such, nobody is bound twice. A dry run writes nothing and plans each address.
public struct Backfill: Sendable {
    let source: String
    let intake: JobIntake
    let ledger: any IntakeLedger
    let assigner: MailboxAssigner
    let resultsTo: JobIntake.ResultDestination

    public init(source: String, intake: JobIntake, ledger: any IntakeLedger, assigner: MailboxAssigner, resultsTo: JobIntake.ResultDestination) {
        self.source = source
        self.intake = intake
        self.ledger = ledger
        self.assigner = assigner
        self.resultsTo = resultsTo
    }

    /// One person to queue, or one left out with the reason.
    public enum Entry: Sendable {
        /// `key` is the person's employee id for the source.
        case hire(key: String, name: String, event: NewHireEvent)
        case skip(key: String, reason: String)
    }

    /// What a run did, or (in a dry run) would do.
    public struct Summary: Sendable, Equatable {
        /// People given a bind job now (in a dry run: the address each would get).
        public var queued: [Planned] = []
        public var alreadyBound = 0
        /// People left out, and why.
        public var skipped: [Skipped] = []
        /// Bound people no longer in the directory, given an unbind job (reconciliation only).
        public var unbound = 0
        /// The job of each person queued now, or queued by an earlier run and not final yet: what following the
        /// backfill to its end waits for (``BackfillFollower``). Empty in a dry run.
        public var jobsToFollow: [String] = []

        public struct Planned: Sendable, Equatable {
            public var key: String
            public var name: String
            public var address: String
        }

        public struct Skipped: Sendable, Equatable {
            public var key: String
            public var reason: String
        }
    }

    /// How far a run is, for a progress bar.
    public struct Progress: Sendable {
        public var done: Int
        public var total: Int
        public var summary: Summary
    }

    public func run(_ entries: [Entry], dryRun: Bool = false, progress: @Sendable (Progress) -> Void = { _ in }) async throws -> Summary {
        var summary = Summary()
        var planned: Set<String> = []
        for (index, entry) in entries.enumerated() {
            // Stopped (Ctrl-C, shutdown) between two people: what was queued stays, a rerun goes on from there.
            try Task.checkCancellation()
            defer { progress(Progress(done: index + 1, total: entries.count, summary: summary)) }
            switch entry {
            case .skip(let key, let reason):
                summary.skipped.append(.init(key: key, reason: reason))
            case .hire(let key, let name, let event):
                if let job = try await ledger.activeBindJob(source: source, employeeID: key) {
                    summary.alreadyBound += 1
                    if !dryRun, !job.status.isFinal { summary.jobsToFollow.append(job.id) }
                } else if dryRun {
                    do {
                        let plan = try assigner.plan(for: event.employee)
                        var trace = plan.trace()
                        let choice = try await assigner.chooseFree(from: plan, in: ledger, alsoTaken: planned, trace: &trace)
                        planned.insert(choice.address.lowercased())
                        summary.queued.append(.init(key: key, name: name, address: choice.address))
                    } catch {
                        summary.skipped.append(.init(key: key, reason: "\(error)"))
                    }
                } else {
                    try await queue(event, key: key, name: name, into: &summary)
                }
            }
        }
        return summary
    }

    func queue(_ event: NewHireEvent, key: String, name: String, into summary: inout Summary) async throws {
        do {
            switch try await intake.accept(event, source: source, resultsTo: resultsTo, onePerPerson: true) {
            case .created(let receipt):
                summary.queued.append(.init(key: key, name: name, address: receipt.exchangeAccount))
                summary.jobsToFollow.append(receipt.jobID)
            case .duplicate(let receipt):
                summary.alreadyBound += 1
                if !receipt.status.isFinal { summary.jobsToFollow.append(receipt.jobID) }
            case .addressTaken: summary.skipped.append(.init(key: key, reason: "the address was taken meanwhile; run again"))
            }
        } catch let refusal as JobIntake.Refusal {
            summary.skipped.append(.init(key: key, reason: APIError(refusal).message))
        }
    }
}
