// PortAnnouncement: hands the port a server bound to (port 0 picks a free one) to whoever waits for it.

/// Hands the port a server bound to (port 0 picks a free one) to whoever waits for it.
public struct PortAnnouncement: Sendable {
    private let stream: AsyncStream<Int>
    private let continuation: AsyncStream<Int>.Continuation

    public init() {
        (stream, continuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
    }

    public func announce(_ port: Int) {
        continuation.yield(port)
    }

    /// The announced port; nil if the task was cancelled first.
    public func port() async -> Int? {
        for await port in stream { return port }
        return nil
    }
}
