// SingleFlight: one run of an operation at a time; callers that arrive meanwhile share its result.

/// Runs one operation at a time, for token refreshes: a caller that arrives while a run is in flight waits for
/// that run and gets its result instead of starting another.
public actor SingleFlight<Value: Sendable> {
    private var inFlight: Task<Value, any Error>?

    public init() {}

    /// The result of the run in flight, or of a new run of `operation`. A failure of the operation other than a
    /// ``FeishuCallError`` becomes `otherError`.
    public func run(
        _ operation: @escaping @Sendable () async throws -> Value, otherError: @Sendable (any Error) -> FeishuCallError
    ) async throws(FeishuCallError) -> Value {
        let task = inFlight ?? Task { try await operation() }
        inFlight = task
        defer { if inFlight == task { inFlight = nil } }
        do {
            return try await task.value
        } catch let error as FeishuCallError {
            throw error
        } catch {
            throw otherError(error)
        }
    }
}
