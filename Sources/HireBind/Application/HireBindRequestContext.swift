// HireBindRequestContext: the request context of both listeners, which knows the client's address (and the console session).

public import Hummingbird
public import NIOCore

/// Hummingbird's basic context plus the connected client's address, for the per-client limits on failed
/// authentication and for refusal logs.
public struct HireBindRequestContext: RequestContext, RemoteAddressRequestContext, ConsoleRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// Set by the console's session middleware for the console's pages.
    public var consoleSession: ConsoleSession?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
