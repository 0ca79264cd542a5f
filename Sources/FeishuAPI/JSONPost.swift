// JSONPost: one POST of a flat JSON object to a token endpoint, shared by the OAuth and tenant token clients.

import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Secrets

/// One POST of a flat JSON object to a token endpoint, which answers its fields at the top level of a JSON body.
enum JSONPost {
    struct Reply<Answer: Decodable> {
        var status: Int
        var logID: String?
        /// Nil when the body was not the expected JSON.
        var answer: Answer?
    }

    /// Throws only when no answer came (connection, timeout); the caller says what that means.
    static func send<Answer: Decodable>(
        _ fields: [String: String], to url: String, httpClient: HTTPClient, timeout: TimeAmount, logger: Logger
    ) async throws -> Reply<Answer> {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(fields)))
        let response = try await httpClient.execute(request, timeout: timeout, logger: logger.forHTTPClient)
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return Reply(
            status: Int(response.status.code), logID: response.headers.first(name: FeishuClient.logIDHeader),
            answer: try? JSONDecoder().decode(Answer.self, from: Data(bytes.readableBytesView))
        )
    }
}
