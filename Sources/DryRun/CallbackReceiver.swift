// CallbackReceiver: a stand-in HR callback endpoint that verifies each signature and keeps what arrived.

import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
import NIOCore
public import WebhookSignature

/// A stand-in for the HR system's callback endpoint: verifies each Standard Webhooks signature and keeps
/// what arrived. The quick start's dry run and the integration tests use it.
public struct CallbackReceiver: Sendable {
    /// One callback as received.
    public struct Delivery: Sendable, Hashable {
        public var path: String
        public var headers: [String: String]
        public var body: [UInt8]
        /// Whether the signature verified under the receiver's secret.
        public var signatureValid: Bool
    }

    public actor Inbox {
        private var deliveries: [Delivery] = []

        func add(_ delivery: Delivery) {
            deliveries.append(delivery)
        }

        public func all() -> [Delivery] { deliveries }

        /// Waits until at least `count` callbacks arrived or `seconds` passed; returns what arrived.
        public func waitFor(count: Int, seconds: Double) async -> [Delivery] {
            let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
            while deliveries.count < count, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(20))
            }
            return deliveries
        }
    }

    public let secret: SigningSecret
    public let inbox = Inbox()
    /// HTTP statuses to answer with before accepting, one per request (to simulate an outage); then 204.
    let failFirst: [Int]
    let counter = RequestCounter()

    public init(secret: SigningSecret, failFirst: [Int] = []) {
        self.secret = secret
        self.failFirst = failFirst
    }

    public func application(
        host: String = "127.0.0.1", port: Int = 0, logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        let router = Router()
        router.post("/**") { request, _ in
            var request = request
            let body = Array(try await request.collectBody(upTo: 1 << 20).readableBytesView)
            let index = await counter.next()
            if index < failFirst.count {
                return Response(status: .init(code: failFirst[index]))
            }
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let lookup = HeaderLookup(request.headers.map { (name: $0.name.canonicalName, value: $0.value) })
            let valid =
                (try? StandardWebhooks().verify(headers: lookup, body: body, secrets: [secret], now: Int64(Date().timeIntervalSince1970))) != nil
            await inbox.add(Delivery(path: request.uri.path, headers: headers, body: body, signatureValid: valid))
            return Response(status: valid ? .noContent : .unauthorized)
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "callback-receiver"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }
}

actor RequestCounter {
    private var value = 0
    func next() -> Int {
        defer { value += 1 }
        return value
    }
}
