// Leadership: whether this replica is the one that runs maintenance, claimed and renewed through the store.

import Foundation
public import JobStore
public import Logging
public import ServiceLifecycle
import Synchronization

/// Whether this replica leads: the one of several that runs maintenance (the housekeeping purges, the directory
/// reconciliation). The claim is a row with an expiry on the store's clock (``LeaderElection``); this service
/// renews it every third of its term, so a leader that dies is replaced within one term, and gives it up when the
/// replica stops, so another takes over at once. With SQLite there is one replica, and it leads.
public final class Leadership: Service, Sendable {
    let store: any LeaderElection
    /// Who this replica is, in the store's row: the host name, the process id and a random part.
    public let holder: String
    /// How long a claim lasts unless renewed.
    let term: Double
    let logger: Logger
    private struct State {
        var leading = false
        var checkedAt: ContinuousClock.Instant?
    }
    private let state = Mutex(State())

    public init(store: any LeaderElection, term: Double = 15, logger: Logger) {
        self.store = store
        self.term = term
        self.logger = logger
        self.holder = "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)/\(UUID().uuidString.prefix(8))"
    }

    /// True when this replica leads; claims (or renews) first unless that was done within a third of the term.
    public func leads() async -> Bool {
        let fresh = state.withLock { state in
            state.checkedAt.map { ContinuousClock.now - $0 < .seconds(term / 3) } ?? false ? state.leading : nil
        }
        if let fresh { return fresh }
        return await claim()
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = await self.claim()
                try? await Task.sleep(for: .seconds(self.term / 3))
            }
        }
        if state.withLock({ $0.leading }) {
            do {
                try await store.resignLeadership(holder: holder)
                logger.info("gave up leading maintenance", metadata: ["holder": "\(holder)"])
            } catch {
                logger.warning("cannot give up leading maintenance; another replica takes over when the claim expires", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Claims or renews; a store that does not answer means not leading (another replica may take over).
    @discardableResult
    func claim() async -> Bool {
        let leading: Bool
        do {
            leading = try await store.claimLeadership(holder: holder, for: term, now: Date())
        } catch {
            logger.warning("cannot claim the maintenance lead", metadata: ["error": "\(error)"])
            leading = false
        }
        let was = state.withLock { state in
            defer {
                state.leading = leading
                state.checkedAt = .now
            }
            return state.leading
        }
        if leading != was {
            logger.notice(leading ? "leading maintenance" : "no longer leading maintenance", metadata: ["holder": "\(holder)"])
        }
        return leading
    }
}
