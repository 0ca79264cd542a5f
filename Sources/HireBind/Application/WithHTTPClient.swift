// withHTTPClient: one HTTP client for the length of a body, shut down on every way out.

public import AsyncHTTPClient

/// Runs `body` with a new HTTP client on the shared event loop group, and shuts the client down afterwards,
/// whether `body` returned or threw.
public func withHTTPClient<Result>(_ body: (HTTPClient) async throws -> Result) async throws -> Result {
    let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
    let result: Result
    do {
        result = try await body(httpClient)
    } catch {
        try? await httpClient.shutdown()
        throw error
    }
    try await httpClient.shutdown()
    return result
}
