// HeaderDeadlineHandler: closes a connection whose request head does not arrive in time (headers trickled byte by byte).

import NIOCore
import NIOHTTPTypes

/// A request's head (its request line and headers) must arrive within `timeout` of the connection opening;
/// otherwise the connection is closed. The idle timeout cannot catch a client that trickles one header byte at a
/// time, and the body deadline starts only once the head is in. After a request, a kept-alive connection may sit
/// idle (the idle timeout closes it) before its next request: that head must arrive within `keepAliveTimeout`
/// (the idle timeout plus `timeout`), so an idle connection in a client's pool is never cut off early while a
/// trickler still cannot hold a connection for ever.
final class HeaderDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    let timeout: TimeAmount
    let keepAliveTimeout: TimeAmount
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount, keepAliveTimeout: TimeAmount) {
        self.timeout = timeout
        self.keepAliveTimeout = keepAliveTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        arm(context, in: timeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            deadline?.cancel()
            deadline = nil
        case .end:
            // The next request on this connection gets its own deadline, after the time it may sit idle.
            arm(context, in: keepAliveTimeout)
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    private func arm(_ context: ChannelHandlerContext, in timeout: TimeAmount) {
        deadline?.cancel()
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            loopBound.value.close(promise: nil)
        }
    }
}
