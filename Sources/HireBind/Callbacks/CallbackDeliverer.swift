// CallbackDeliverer: posts the outbox's results to the HR system, signed, retried with backoff until a 2xx.

import AsyncHTTPClient
import FeishuAPI
import Foundation
import HireBindCore
public import JobStore
public import Logging
import NIOCore
import NIOHTTP1
import Secrets
public import ServiceLifecycle
public import WebhookSignature

/// Posts the outbox's results to the HR system, signed with Standard Webhooks, retrying with backoff until a 2xx.
public struct CallbackDeliverer: Service {
    let store: any CallbackOutbox
    let secret: SigningSecret
    let settings: CallbackSettings
    let pollSeconds: Double
    let doorbell: Doorbell
    let logger: Logger

    public init(
        store: any CallbackOutbox, secret: SigningSecret, settings: CallbackSettings,
        pollSeconds: Double, doorbell: Doorbell, logger: Logger
    ) {
        self.store = store
        self.secret = secret
        self.settings = settings
        self.pollSeconds = pollSeconds
        self.doorbell = doorbell
        self.logger = logger
        self.addressPolicy = CallbackAddressPolicy(settings)
    }

    let addressPolicy: CallbackAddressPolicy

    public func run() async throws {
        let store = self.store
        // A delivery lease outlasts its call (three timeouts), so it is not renewed.
        let leaseSeconds = settings.timeoutSeconds * 3
        let loop = LeasingLoop<CallbackDelivery>(
            name: "callback", doorbell: doorbell, pollSeconds: pollSeconds,
            lease: { try await store.leaseCallback(for: leaseSeconds, now: Date()) },
            nextDue: { try await store.nextCallbackDue() }, renewal: nil, logger: logger
        )
        // The deliverer's own client never follows a redirect: the address checks hold for the one URL it posts to,
        // and a signed result never reaches a host the allow-list did not name (a 3xx is a failed delivery).
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        await loop.run { delivery in await self.deliver(delivery, with: httpClient) }
        try? await httpClient.shutdown()
    }

    /// What one delivery attempt came to.
    enum Attempt {
        case delivered
        /// Retrying cannot help (410 Gone, a refused address): the callback is dead.
        case refused(String)
        case failed(String, retryAfter: Double?)
        case leaseLost
    }

    func deliver(_ delivery: CallbackDelivery, with httpClient: HTTPClient) async {
        var logger = self.logger
        logger[metadataKey: "job_id"] = "\(delivery.jobID)"
        logger[metadataKey: "callback_attempt"] = "\(delivery.attempts)"
        switch await attempt(delivery, with: httpClient, logger: logger) {
        case .delivered, .leaseLost:
            return
        case .refused(let problem):
            await giveUp(delivery, problem: problem, logger: logger)
        case .failed(let problem, let retryAfter):
            let delay = max(settings.retry.delay(beforeRetry: delivery.attempts), retryAfter ?? 0)
            let retryAt = Date().addingTimeInterval(delay)
            guard retryAt < delivery.createdAt.addingTimeInterval(settings.maxAgeHours * 3600) else {
                await giveUp(delivery, problem: "\(problem); retried for \(settings.maxAgeHours) hours", logger: logger)
                return
            }
            do {
                try await store.callbackFailed(delivery, error: problem, retryAt: retryAt, now: Date())
                logger.notice(
                    "callback not delivered; will retry", metadata: ["problem": "\(problem)", "retry_in_seconds": "\(Int(delay.rounded(.up)))"])
            } catch {
                logger.error("cannot record the callback's failure", metadata: ["error": "\(error)"])
            }
        }
    }

    func attempt(_ delivery: CallbackDelivery, with httpClient: HTTPClient, logger: Logger) async -> Attempt {
        let pinned: (host: String, address: String)?
        switch await addressPolicy.target(ofResolved: delivery.url) {
        case .refused(let refusal):
            return refusal.permanent ? .refused(refusal.problem) : .failed(refusal.problem, retryAfter: nil)
        case .connect(let host, let address):
            pinned = address.map { (host, $0) }
        }
        // The connection goes to the address just checked, not to whatever the name resolves to next (TLS still
        // verifies the certificate against the name): a client of its own for this delivery.
        guard let pinned else { return await post(delivery, with: httpClient, logger: logger) }
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.dnsOverride = [pinned.host: pinned.address]
        let pinnedClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let attempt = await post(delivery, with: pinnedClient, logger: logger)
        try? await pinnedClient.shutdown()
        return attempt
    }

    func post(_ delivery: CallbackDelivery, with httpClient: HTTPClient, logger: Logger) async -> Attempt {
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "hirebind")
        let signature = StandardWebhooks.sign(
            id: delivery.messageID, timestamp: Int64(Date().timeIntervalSince1970), body: delivery.body, secret: secret)
        for header in signature { request.headers.add(name: header.name, value: header.value) }
        request.body = .bytes(ByteBuffer(bytes: delivery.body))
        do {
            let response = try await httpClient.execute(
                request, timeout: .milliseconds(Int64(settings.timeoutSeconds * 1000)), logger: logger.forHTTPClient)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            if (200..<300).contains(response.status.code) {
                try await store.callbackDelivered(delivery, answer: "HTTP \(response.status.code)", now: Date())
                logger.info("callback delivered", metadata: ["status": "\(response.status.code)"])
                return .delivered
            }
            if (300..<400).contains(response.status.code) {
                let location = response.headers.first(name: "Location").map { " to \($0.prefix(200))" } ?? ""
                return .failed(
                    "the receiver answered HTTP \(response.status.code), a redirect\(location); callbacks do not follow redirects", retryAfter: nil)
            }
            if response.status.code == 410 {
                return .refused("the receiver answered 410 Gone: it does not want this result")
            }
            let retryAfter = response.headers.first(name: "Retry-After").flatMap { Self.retryAfterSeconds($0, now: Date()) }
            return .failed("the receiver answered HTTP \(response.status.code)", retryAfter: retryAfter)
        } catch is LeaseLostError {
            logger.warning("callback lease lost; another deliverer took it over")
            return .leaseLost
        } catch {
            return .failed("cannot reach the receiver: \(error)", retryAfter: nil)
        }
    }

    func giveUp(_ delivery: CallbackDelivery, problem: String, logger: Logger) async {
        do {
            try await store.callbackFailed(delivery, error: problem, retryAt: nil, now: Date())
            logger.error("callback is dead: \(problem); retry it with POST /v1/callbacks/\(delivery.id)/retry")
        } catch {
            logger.error("cannot record the callback's failure", metadata: ["error": "\(error)"])
        }
    }

    /// `Retry-After` as seconds from now: delta-seconds or an HTTP date (RFC 9110 §10.2.3); at most a day.
    static func retryAfterSeconds(_ value: String, now: Date) -> Double? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds >= 0 { return min(seconds, 86_400) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        return min(max(0, date.timeIntervalSince(now)), 86_400)
    }
}
