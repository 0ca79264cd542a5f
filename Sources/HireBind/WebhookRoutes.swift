import Foundation
import HireBindCore
import Hummingbird
import HTTPTypes
import JobStore
import Logging
import MailboxNaming
import WebhookSignature

/// `POST /v1/webhooks/{source}`: verifies, validates, names and enqueues a new hire.
struct WebhookRoutes: Sendable {
    struct Source: Sendable {
        var scheme: any WebhookSignatureScheme
        var secrets: [SigningSecret]
    }

    let sources: [String: Source]
    let maximumBodyBytes: Int
    let bodyTimeout: Duration
    let namer: MailboxNamer
    let store: any JobStore
    let feishu: FeishuSettings
    let defaultCallbackURL: String?
    let doorbell: Doorbell
    let drain: DrainSignal
    let callbackPolicy: CallbackAddressPolicy

    init(configuration: HireBindConfiguration, secrets: ServiceSecrets, namer: MailboxNamer, store: any JobStore, doorbell: Doorbell, drain: DrainSignal) {
        self.drain = drain
        self.callbackPolicy = CallbackAddressPolicy(
            allowedHosts: configuration.callbacks.allowedHosts, defaultURL: configuration.callbacks.defaultURL,
            allowPrivateAddresses: configuration.callbacks.allowPrivateAddresses
        )
        var sources: [String: Source] = [:]
        for (name, settings) in configuration.sources {
            let scheme: any WebhookSignatureScheme = switch settings.scheme {
            case .standardWebhooks: StandardWebhooks(toleranceSeconds: settings.toleranceSeconds)
            case .hubSignature: HubSignature()
            }
            sources[name] = Source(scheme: scheme, secrets: secrets.sourceSecrets[name] ?? [])
        }
        self.sources = sources
        self.maximumBodyBytes = configuration.server.maxBodyBytes
        self.bodyTimeout = .milliseconds(Int64(configuration.server.bodyTimeoutSeconds * 1000))
        self.namer = namer
        self.store = store
        self.feishu = configuration.feishu
        self.defaultCallbackURL = configuration.callbacks.defaultURL
        self.doorbell = doorbell
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.post("/v1/webhooks/:source") { request, context in
            try await self.receive(request, context: context)
        }
    }

    func receive(_ request: Request, context: some RequestContext) async throws -> Response {
        guard !drain.isDraining else {
            throw APIError(.serviceUnavailable, code: "shutting_down", message: "hirebind is shutting down; send the event again shortly",
                           headers: [.retryAfter: "30"])
        }
        let sourceName = context.parameters.get("source") ?? ""
        guard let source = sources[sourceName] else {
            throw APIError(.notFound, code: "unknown_source", message: "no webhook source named '\(sourceName.prefix(64))' is configured")
        }
        let contentTypes = request.headers[values: .contentType]
        guard contentTypes.count == 1, Self.isJSON(contentTypes[0]) else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", message: "send the event as one Content-Type: application/json body")
        }
        let body = try await collectBody(request)

        let headers = HeaderLookup(request.headers.map { (name: $0.name.canonicalName, value: $0.value) })
        do {
            try source.scheme.verify(headers: headers, body: body, secrets: source.secrets, now: Int64(Date().timeIntervalSince1970))
        } catch {
            context.logger.notice("webhook signature refused", metadata: ["source": "\(sourceName)", "reason": "\(error)"])
            throw APIError(.unauthorized, code: "invalid_signature", message: "\(error)")
        }

        let event: NewHireEvent
        do {
            event = try NewHireEvent.decode(from: Data(body))
        } catch let error as EventValidationError {
            throw APIError(.unprocessableContent, code: "invalid_event", message: "\(error.field): \(error.problem)")
        } catch {
            throw APIError(.unsupportedMediaType, code: "not_json", message: "the body is not valid UTF-8 JSON")
        }

        if let url = event.callbackURL, let refusal = callbackPolicy.refusal(ofURL: url) {
            throw APIError(.unprocessableContent, code: "callback_url_not_allowed", message: refusal)
        }
        if let seen = try await store.receipt(source: sourceName, eventID: event.eventID) {
            return Response.json(.ok, seen)
        }
        let intake = Intake(
            source: sourceName, event: event, adminAccount: feishu.adminAccount, userIDType: feishu.userIDType,
            callbackURL: event.callbackURL ?? defaultCallbackURL, receivedAt: Date()
        )
        let outcome: EnqueueOutcome
        if event.eventType == NewHireEvent.terminatedType {
            do {
                outcome = try await store.enqueueUnbind(intake)
            } catch let error as UnknownEmployeeError {
                throw APIError(.unprocessableContent, code: "unknown_employee", message: "\(error): nothing to unbind")
            }
        } else {
            outcome = try await enqueueBind(intake)
        }
        switch outcome {
        case .created(let receipt):
            doorbell.ring()
            context.logger.info("job accepted", metadata: [
                "source": "\(sourceName)", "event_id": "\(event.eventID)", "event_type": "\(event.eventType)", "job_id": "\(receipt.jobID)",
                "exchange_account": "\(receipt.exchangeAccount)",
            ])
            return Response.json(.accepted, receipt)
        case .duplicate(let receipt):
            return Response.json(.ok, receipt)
        }
    }

    /// Names the new hire's mailbox and enqueues the bind job.
    func enqueueBind(_ intake: Intake) async throws -> EnqueueOutcome {
        let event = intake.event
        let plan: MailboxPlan
        do {
            plan = try namer.plan(for: event.employee.personName, attributes: event.employee.attributes)
        } catch .noRuleSet(let message) {
            throw APIError(.unprocessableContent, code: "no_naming_rule", message: message)
        } catch {
            throw APIError(.unprocessableContent, code: "unusable_name", message: "\(error)")
        }
        do {
            return try await store.enqueue(intake, plan: plan)
        } catch let error as NamingError {
            throw APIError(.unprocessableContent, code: "no_free_address", message: "\(error)")
        }
    }

    /// The whole body, at most `maximumBodyBytes` (413 beyond) and within `bodyTimeout` (408 beyond).
    func collectBody(_ request: Request) async throws -> [UInt8] {
        let limit = maximumBodyBytes
        let timeout = bodyTimeout
        return try await withThrowingTaskGroup(of: [UInt8].self) { group in
            group.addTask {
                var request = request
                return Array(try await request.collectBody(upTo: limit).readableBytesView)
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw APIError(.requestTimeout, code: "body_timeout", message: "the body did not arrive within \(timeout)", headers: [.connection: "close"])
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }
}
