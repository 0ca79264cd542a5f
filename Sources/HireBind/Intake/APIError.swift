// APIError: errors answered as JSON with an HTTP status, and the middleware that renders them.

import Foundation
public import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// An error answered as `{"error": {"code", "message"}}` with an HTTP status.
public struct APIError: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    /// `{"code", "message"}`: the error object of every answer that refuses something, whole or in a list's entry.
    struct Detail: Encodable {
        var code: String
        var message: String
    }

    var detail: Detail { Detail(code: code, message: message) }

    var response: Response {
        struct Body: Encodable {
            var error: Detail
        }
        var response = Response.json(status, Body(error: detail))
        response.headers.append(contentsOf: headers)
        return response
    }
}

extension Response {
    /// A JSON response with sorted keys.
    static func json(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = (try? encoder.encode(value)) ?? Data(#"{"error":{"code":"internal_error","message":"cannot encode the response"}}"#.utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Renders every error a route throws as the JSON error body, so that no client sees an empty or HTML error.
/// Unexpected errors become a 500 whose message names no internals.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response
        } catch let failure as JobIntake.StoreUnavailable {
            // Not the client's mistake and nothing kept: it may send the event again shortly.
            context.logger.error("cannot store an event", metadata: ["error": "\(failure)"])
            return APIError(
                .serviceUnavailable, code: "store_unavailable",
                message: "the event could not be written to the store; nothing was accepted, send it again", headers: [.retryAfter: "5"]
            ).response
        } catch is NIOTooManyBytesError {
            return APIError(.contentTooLarge, code: "body_too_large", message: "the request body is larger than the limit").response
        } catch let error as HTTPError {
            let code = error.status == .notFound ? "not_found" : "http_\(error.status.code)"
            return APIError(error.status, code: code, message: error.body ?? error.status.reasonPhrase).response
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            return APIError(.internalServerError, code: "internal_error", message: "an internal error occurred; nothing was accepted").response
        }
    }
}
