// WorkListener: rings this replica's doorbells when any replica queues work (PostgreSQL's LISTEN/NOTIFY).

import Foundation
public import JobStore
public import Logging
public import ServiceLifecycle

/// Rings the bind workers' and the deliverer's doorbells when another replica commits new work, so an idle
/// replica starts at once instead of at its next poll. When the listening connection fails, it listens again
/// after a pause; meanwhile the workers' polling (`worker.poll_seconds`) finds the work.
public struct WorkListener: Service {
    let announcements: any WorkAnnouncements
    let jobs: Doorbell
    let callbacks: Doorbell
    let logger: Logger

    public init(announcements: any WorkAnnouncements, jobs: Doorbell, callbacks: Doorbell, logger: Logger) {
        self.announcements = announcements
        self.jobs = jobs
        self.callbacks = callbacks
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await announcements.listenForWork { work in
                        switch work {
                        case .jobs: jobs.ring()
                        case .callbacks: callbacks.ring()
                        }
                    }
                } catch {
                    guard !Task.isCancelled else { return }
                    logger.warning("not hearing other replicas' new work; polling finds it meanwhile", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
