import AsyncHTTPClient
import Foundation
import HireBindCore
import JobStore
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import WebhookSignature

/// Posts the outbox's results to the HR system, signed with Standard Webhooks, retrying with backoff until a 2xx.
public struct CallbackDeliverer: Service {
    let store: any JobStore
    let httpClient: HTTPClient
    let secret: SigningSecret
    let settings: CallbackSettings
    let pollSeconds: Double
    let doorbell: Doorbell
    let logger: Logger

    public init(
        store: any JobStore, httpClient: HTTPClient, secret: SigningSecret, settings: CallbackSettings,
        pollSeconds: Double, doorbell: Doorbell, logger: Logger
    ) {
        self.store = store
        self.httpClient = httpClient
        self.secret = secret
        self.settings = settings
        self.pollSeconds = pollSeconds
        self.doorbell = doorbell
        self.logger = logger
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                let generation = doorbell.generation
                do {
                    if let delivery = try await store.leaseCallback(for: settings.timeoutSeconds * 3, now: Date()) {
                        await deliver(delivery)
                        continue
                    }
                } catch {
                    logger.error("cannot lease a callback", metadata: ["error": "\(error)"])
                }
                await doorbell.wait(since: generation, upTo: await store.idleDuration(.callbacks, poll: pollSeconds))
            }
        } onGracefulShutdown: {
            doorbell.ring()
        }
    }

    func deliver(_ delivery: CallbackDelivery) async {
        var logger = self.logger
        logger[metadataKey: "job_id"] = "\(delivery.jobID)"
        logger[metadataKey: "callback_attempt"] = "\(delivery.attempts)"
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "hirebind")
        let signature = StandardWebhooks.sign(id: delivery.messageID, timestamp: Int64(Date().timeIntervalSince1970), body: delivery.body, secret: secret)
        for header in signature { request.headers.add(name: header.name, value: header.value) }
        request.body = .bytes(ByteBuffer(bytes: delivery.body))

        let problem: String
        do {
            let response = try await httpClient.execute(request, timeout: .milliseconds(Int64(settings.timeoutSeconds * 1000)), logger: logger)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            if (200..<300).contains(response.status.code) {
                try await store.callbackDelivered(delivery, now: Date())
                logger.info("callback delivered", metadata: ["status": "\(response.status.code)"])
                return
            }
            problem = "the receiver answered HTTP \(response.status.code)"
        } catch is LeaseLostError {
            logger.warning("callback lease lost; another deliverer took it over")
            return
        } catch {
            problem = "cannot reach the receiver: \(error)"
        }
        let delay = settings.retry.delay(beforeRetry: delivery.attempts)
        do {
            try await store.callbackFailed(delivery, error: problem, retryAt: Date().addingTimeInterval(delay))
            logger.notice("callback not delivered; will retry", metadata: ["problem": "\(problem)", "retry_in_seconds": "\(Int(delay.rounded(.up)))"])
        } catch {
            logger.error("cannot record the callback's failure", metadata: ["error": "\(error)"])
        }
    }
}
