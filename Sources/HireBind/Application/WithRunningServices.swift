// withRunningServices: runs services in a group while a body runs, then shuts them down gracefully.

public import Logging
public import ServiceLifecycle

/// Runs `services` (servers, workers) in a service group while `body` runs, then shuts them down gracefully.
/// `body` gets the group, to trigger the graceful shutdown itself when that is what it tests.
public func withRunningServices<Result: Sendable>(
    _ services: [any Service],
    logger: Logger,
    _ body: (ServiceGroup) async throws -> Result
) async throws -> Result {
    let group = ServiceGroup(configuration: .init(services: services, logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        let result: Result
        do {
            result = try await body(group)
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return result
    }
}
