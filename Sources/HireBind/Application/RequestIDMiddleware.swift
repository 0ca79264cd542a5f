// RequestIDMiddleware: every answer carries `X-Request-Id`, the id the request's log lines carry too.

import HTTPTypes
import Hummingbird
import Logging

/// Sets `X-Request-Id` on every answer (errors included) to the id Hummingbird gave the request, which its
/// logger carries as `hb.request.id`: an operator finds a client's request in the logs by the header it saw. A
/// client's own `X-Request-Id` is not trusted (it would let anyone write into the logs). It runs outside
/// ``JSONErrorMiddleware``, which turns every error into an answer first.
struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    static var header: HTTPField.Name { HTTPField.Name("X-Request-Id")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if let id = context.logger[metadataKey: "hb.request.id"] { response.headers[Self.header] = "\(id)" }
        return response
    }
}

extension RequestContext {
    /// The client's IP address, for the per-client limits and refusal logs ("unknown" without a socket, as in
    /// router tests).
    var clientAddress: String {
        (self as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress ?? "unknown"
    }
}
