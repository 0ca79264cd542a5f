// SandboxEvents: the sandbox's event subscription: directory changes delivered to a request URL as Feishu does.

import AsyncHTTPClient
public import Foundation
import Logging
import NIOCore
import NIOHTTP1
public import ServiceLifecycle
import WebhookSignature

/// Where and how the sandbox app delivers its events, as set in Feishu's developer console.
public struct SandboxEventSubscription: Sendable, Hashable {
    public var requestURL: String
    public var verificationToken: String
    /// Nil sends plain, unsigned events (checked by the token alone).
    public var encryptKey: String?
    /// Pauses before each resend of an event not answered 200: Feishu's are 15 s, 5 min, 1 h and 6 h.
    public var retryDelays: [Double]

    public static let feishuRetryDelays: [Double] = [15, 300, 3600, 21_600]

    public init(requestURL: String, verificationToken: String, encryptKey: String?, retryDelays: [Double] = Self.feishuRetryDelays) {
        self.requestURL = requestURL
        self.verificationToken = verificationToken
        self.encryptKey = encryptKey
        self.retryDelays = retryDelays
    }
}

/// One delivery attempt of an event, as the sandbox made it.
public struct SandboxEventDelivery: Sendable, Hashable {
    public var eventID: String
    public var eventType: String
    public var attempt: Int
    /// The HTTP status the request URL answered; nil when it did not answer.
    public var status: Int?
}

/// Delivers events to the subscription: builds the schema 2.0 envelope, encrypts and signs it when an Encrypt Key
/// is set, posts it with a 3 s timeout, and resends on Feishu's schedule until a 200. A `Service`: deliveries
/// run inside the sandbox application's service group.
public actor SandboxEventPublisher: Service {
    public private(set) var subscription: SandboxEventSubscription?
    public private(set) var deliveries: [SandboxEventDelivery] = []
    let appID: String
    private let queue: AsyncStream<QueuedEvent>
    private let continuation: AsyncStream<QueuedEvent>.Continuation

    struct QueuedEvent: Sendable {
        var eventID: String
        var eventType: String
        /// The whole plain envelope, as JSON.
        var envelope: Data
        var attempt: Int
    }

    public init(subscription: SandboxEventSubscription? = nil, appID: String) {
        self.subscription = subscription
        self.appID = appID
        (queue, continuation) = AsyncStream.makeStream()
    }

    public func subscribe(_ subscription: SandboxEventSubscription?) {
        self.subscription = subscription
    }

    /// Queues `event_type` with `event` (a JSON object) for delivery; returns its `event_id`.
    @discardableResult
    public func publish(_ eventType: String, eventJSON: Data) -> String {
        let event = (try? JSONSerialization.jsonObject(with: eventJSON)) ?? [String: Any]()
        let eventID = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let envelope: [String: Any] = [
            "schema": "2.0",
            "header": [
                "event_id": eventID, "event_type": eventType, "create_time": String(Int64(Date().timeIntervalSince1970 * 1000)),
                "token": subscription?.verificationToken ?? "", "app_id": appID, "tenant_key": "sandbox_tenant",
            ],
            "event": event,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: envelope, options: [.sortedKeys])) ?? Data()
        continuation.yield(QueuedEvent(eventID: eventID, eventType: eventType, envelope: data, attempt: 1))
        return eventID
    }

    /// Sends the URL-verification challenge, as Feishu does when the request URL is saved; the URL's answer.
    public func verifyRequestURL() async -> (status: Int?, body: Data) {
        guard let subscription else { return (nil, Data()) }
        let challenge = UUID().uuidString
        let plain: [String: Any] = ["challenge": challenge, "token": subscription.verificationToken, "type": "url_verification"]
        // The challenge carries no signature headers, encrypted or not.
        let data = (try? JSONSerialization.data(withJSONObject: plain, options: [.sortedKeys])) ?? Data()
        return await post(data, subscription: subscription, signed: false)
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                for await item in queue.cancelOnGracefulShutdown() {
                    group.addTask { await self.deliver(item) }
                }
            }
        } onGracefulShutdown: {
            self.continuation.finish()
        }
    }

    func deliver(_ item: QueuedEvent) async {
        guard let subscription else { return }
        let (status, _) = await post(item.envelope, subscription: subscription, signed: true)
        deliveries.append(SandboxEventDelivery(eventID: item.eventID, eventType: item.eventType, attempt: item.attempt, status: status))
        guard status != 200, item.attempt <= subscription.retryDelays.count else { return }
        try? await Task.sleep(for: .milliseconds(Int64(subscription.retryDelays[item.attempt - 1] * 1000)))
        var again = item
        again.attempt += 1
        continuation.yield(again)
    }

    /// Posts `plain` (encrypted and, when `signed`, signed under the Encrypt Key); the status and body of the answer.
    nonisolated func post(_ plain: Data, subscription: SandboxEventSubscription, signed: Bool) async -> (Int?, Data) {
        var body = [UInt8](plain)
        var request = HTTPClientRequest(url: subscription.requestURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        if let key = subscription.encryptKey {
            let encrypted = ["encrypt": FeishuEventCipher(encryptKey: key).encrypt(body)]
            body = [UInt8]((try? JSONSerialization.data(withJSONObject: encrypted)) ?? Data())
            if signed {
                let timestamp = String(Int64(Date().timeIntervalSince1970))
                let nonce = String(UInt64.random(in: 0...UInt64.max), radix: 36)
                request.headers.add(name: "X-Lark-Request-Timestamp", value: timestamp)
                request.headers.add(name: "X-Lark-Request-Nonce", value: nonce)
                request.headers.add(
                    name: "X-Lark-Signature", value: FeishuEventSignature.signature(timestamp: timestamp, nonce: nonce, encryptKey: key, body: body))
            }
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(3))
            let bytes = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), Data(bytes.readableBytesView))
        } catch {
            return (nil, Data())
        }
    }
}
