// FeishuLogin+Sandbox: the whole login as a browser goes through it against the sandbox, which consents at once.

public import AsyncHTTPClient
public import HireBind
public import HireBindCore
import NIOCore

extension FeishuLogin {
    /// Opens the authorize URL, follows its redirect to the listener, exchanges the code and stores the pair.
    /// For dry runs and tests; against Feishu a person signs in.
    public func completeAgainstSandbox(httpClient: HTTPClient) async throws -> StoredUserToken {
        let state = Self.newState()
        let listening = PortAnnouncement()
        async let code = receiveCode(state: state, timeout: .seconds(10)) { listening.announce(1) }
        _ = await listening.port()
        let response = try await httpClient.execute(HTTPClientRequest(url: authorizeURL(state: state)), timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 16)
        return try await complete(code: try await code)
    }
}
