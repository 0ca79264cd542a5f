// HireBindRequestContext: the request context of both listeners, which knows the client's address.

public import Hummingbird
public import NIOCore

/// Hummingbird's basic context plus the connected client's address, for the per-client limits on failed
/// authentication and for refusal logs.
public struct HireBindRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
