// WebhookRoutes: `POST /v1/webhooks/{source}`: read the body within limits, verify the sender, decode, hand to the intake.

import Foundation
import HTTPTypes
import HireBindCore
import Hummingbird
import JobStore
import Logging
import WebhookSignature

/// `POST /v1/webhooks/{source}`: verifies, validates and hands the event to the ``JobIntake``.
struct WebhookRoutes: Sendable {
    /// How a source's requests are checked and read.
    enum Source: Sendable {
        /// An HR system, verified by its scheme (HMAC, token or Basic) and allow-list; its body read by its
        /// `map:`, or as hirebind's own event without one. With `fetch:`, id-only hires are stored as jobs that
        /// read the person after `readDelay` seconds.
        case signed(SourceVerifier, EventMapping?, readDelay: Double)
        /// Feishu's event subscription.
        case feishuEvents(FeishuEventReceiver)
    }

    let sources: [String: Source]
    let maximumBodyBytes: Int
    let bodyTimeout: Duration
    let intake: JobIntake
    let drain: DrainSignal
    let callbackPolicy: CallbackAddressPolicy
    /// Clients whose signatures keep failing are refused before any HMAC is computed.
    let failures: ClientFailureLimiter
    let metrics: HireBindMetrics

    init(
        configuration: HireBindConfiguration, secrets: ServiceSecrets, intake: JobIntake, drain: DrainSignal, failures: ClientFailureLimiter,
        metrics: HireBindMetrics
    ) {
        self.drain = drain
        self.failures = failures
        self.metrics = metrics
        self.callbackPolicy = CallbackAddressPolicy(configuration.callbacks)
        var sources: [String: Source] = [:]
        for (name, settings) in configuration.sources {
            switch settings.scheme {
            case .feishuEvents:
                guard let eventSecrets = secrets.feishuEventSecrets[name] else { continue }
                sources[name] = .feishuEvents(
                    FeishuEventReceiver(
                        name: name, secrets: eventSecrets, toleranceSeconds: settings.toleranceSeconds,
                        mapping: DirectoryEventMapping(userIDType: configuration.feishu.userIDType, addressField: settings.addressField),
                        callbackURL: settings.callbackURL, intake: intake, metrics: metrics, coreHRReadDelay: settings.coreHRReadDelaySeconds
                    ))
            default:
                // The configuration was validated before the routes are built: a source whose `verify` is unusable
                // cannot get here, and is left out (404) rather than served unverified.
                guard let verifier = (try? SourceVerifier(source: name, settings: settings, secrets: secrets.sourceSecrets[name] ?? [])) ?? nil
                else { continue }
                let mapping: EventMapping?
                if let map = settings.map {
                    guard let compiled = try? EventMapping(map, key: "sources.\(name).map", reads: settings.fetch?.when) else { continue }
                    mapping = compiled
                } else {
                    mapping = nil
                }
                sources[name] = .signed(verifier, mapping, readDelay: settings.fetch?.readDelaySeconds ?? 0)
            }
        }
        self.sources = sources
        self.maximumBodyBytes = configuration.server.maxBodyBytes
        self.bodyTimeout = .milliseconds(Int64(configuration.server.bodyTimeoutSeconds * 1000))
        self.intake = intake
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.post("/v1/webhooks/:source") { request, context in
            try await self.receive(request, context: context)
        }
    }

    func receive(_ request: Request, context: some RequestContext) async throws -> Response {
        guard !drain.isDraining else {
            throw APIError(
                .serviceUnavailable, code: "shutting_down", message: "hirebind is shutting down; send the event again shortly",
                headers: [.retryAfter: "30"])
        }
        let client = context.clientAddress
        try failures.refuseWhileLockedOut(client, listener: "webhooks", failures: "signature checks", metrics: metrics)
        let sourceName = context.parameters.get("source") ?? ""
        guard let source = sources[sourceName] else {
            throw APIError(.notFound, code: "unknown_source", message: "no webhook source named '\(sourceName.prefix(64))' is configured")
        }
        let contentTypes = request.headers[values: .contentType]
        guard contentTypes.count == 1, Self.isJSON(contentTypes[0]) else {
            throw APIError(
                .unsupportedMediaType, code: "unsupported_media_type", message: "send the event as one Content-Type: application/json body")
        }
        let body = try await collectBody(request)

        let headers = HeaderLookup(request.headers.map { (name: $0.name.canonicalName, value: $0.value) })
        let verifier: SourceVerifier
        let mapping: EventMapping?
        let readDelay: Double
        switch source {
        case .feishuEvents(let receiver):
            do {
                return try await receiver.receive(body: body, headers: headers, logger: context.logger)
            } catch let error as APIError where error.status == .unauthorized {
                refused(client, reason: error.code, source: sourceName, logger: context.logger)
                throw error
            }
        case .signed(let sourceVerifier, let sourceMapping, let delay):
            (verifier, mapping, readDelay) = (sourceVerifier, sourceMapping, delay)
        }
        do {
            try verifier.verify(headers: headers, body: body, clientAddress: client)
        } catch {
            context.logger.notice("webhook signature refused", metadata: ["source": "\(sourceName)", "reason": "\(error)", "client": "\(client)"])
            switch error {
            case .addressNotAllowed:
                refused(client, reason: "address_not_allowed", source: sourceName, logger: context.logger)
                throw APIError(.forbidden, code: "address_not_allowed", message: "\(error)")
            case .signature(let failure):
                refused(client, reason: "invalid_signature", source: sourceName, logger: context.logger)
                throw APIError(.unauthorized, code: "invalid_signature", message: "\(failure)")
            }
        }

        guard let mapping else {
            let event: NewHireEvent
            do {
                event = try NewHireEvent.decode(from: Data(body))
            } catch let error as EventValidationError {
                throw APIError(.unprocessableContent, code: "invalid_event", message: "\(error.field): \(error.problem)")
            } catch {
                throw APIError(.unsupportedMediaType, code: "not_json", message: "the body is not valid UTF-8 JSON")
            }
            return try await take(.event(event, []), readDelay: readDelay, source: sourceName, logger: context.logger).response
        }
        let outcomes: [EventMapping.Outcome]
        do {
            outcomes = try mapping.mapAll(body: body, headers: headers)
        } catch .notJSON {
            throw APIError(.unsupportedMediaType, code: "not_json", message: "the body is not valid UTF-8 JSON")
        } catch .missing(let field, let places) {
            throw APIError(.unprocessableContent, code: "missing_field", message: "\(field): required, but none of \(places) is in the event")
        } catch {
            throw APIError(.unprocessableContent, code: "invalid_event", message: "\(error)")
        }
        guard mapping.each != nil else {
            return try await take(outcomes[0], readDelay: readDelay, source: sourceName, logger: context.logger).response
        }
        // A list of events (`each:`): each is taken on its own, in order; a client error of one is its entry's
        // answer, not the others'. A store failure stops the request (503): the sender sends it again, and what
        // was taken dedupes.
        var entries: [Taken.Entry] = []
        for outcome in outcomes {
            do {
                entries.append(try await take(outcome, readDelay: readDelay, source: sourceName, logger: context.logger).entry)
            } catch let error as APIError where (400..<500).contains(error.status.code) {
                entries.append(Taken.Entry(status: "refused", error: error.detail))
            }
        }
        let status: HTTPResponse.Status =
            entries.contains { $0.created } ? .accepted : entries.allSatisfy { $0.error != nil } ? .unprocessableContent : .ok
        return Response.json(status, ["events": entries])
    }

    /// What taking one event gave.
    enum Taken {
        case created(JobReceipt)
        case duplicate(JobReceipt)
        case ignored(String)

        /// One event's answer in a list (`each:`).
        struct Entry: Encodable {
            var jobID: String?
            var exchangeAccount: String?
            var status: String
            var reason: String?
            var error: APIError.Detail?
            var created = false

            enum CodingKeys: String, CodingKey {
                case jobID = "job_id"
                case exchangeAccount = "exchange_account"
                case status, reason, error
            }
        }

        var entry: Entry {
            switch self {
            case .created(let receipt):
                Entry(jobID: receipt.jobID, exchangeAccount: receipt.exchangeAccount, status: receipt.status.rawValue, created: true)
            case .duplicate(let receipt): Entry(jobID: receipt.jobID, exchangeAccount: receipt.exchangeAccount, status: receipt.status.rawValue)
            case .ignored(let reason): Entry(status: "ignored", reason: reason)
            }
        }

        /// The answer to a request of one event: 202 for a new job, 200 for a repeat or an ignored event.
        var response: Response {
            switch self {
            case .created(let receipt): Response.json(.accepted, receipt)
            case .duplicate(let receipt): Response.json(.ok, receipt)
            case .ignored(let reason): Response.json(.ok, ["status": "ignored", "reason": reason])
            }
        }
    }

    /// Takes one mapped event: a job for a hire or a termination, a read job for an id-only hire, or nothing.
    func take(_ outcome: EventMapping.Outcome, readDelay: Double, source: String, logger: Logger) async throws -> Taken {
        let event: NewHireEvent
        switch outcome {
        case .event(let mapped, _):
            event = mapped
        case .personToRead(let eventID, let employeeID, let callbackURL, _):
            return try await acceptRead(
                eventID: eventID, employeeID: employeeID, callbackURL: callbackURL, delay: readDelay, source: source, logger: logger)
        case .ignored(let reason, _):
            logger.info("webhook event ignored by the source's map", metadata: ["source": "\(source)", "reason": "\(reason)"])
            return .ignored(reason)
        }
        if let url = event.callbackURL, let refusal = callbackPolicy.refusal(ofURL: url) {
            throw APIError(.unprocessableContent, code: "callback_url_not_allowed", message: refusal)
        }
        let outcome: EnqueueOutcome
        do {
            // One person, one mailbox: a re-sent hire under a new event id (or after the dedupe window) gets the
            // job already made for the person; a rehire after a termination is the source's `rehire:` choice.
            outcome = try await intake.accept(event, source: source, onePerPerson: true)
        } catch let refusal as JobIntake.Refusal {
            throw APIError(refusal)
        }
        switch outcome {
        case .created(let receipt):
            logger.info(
                "job accepted",
                metadata: [
                    "source": "\(source)", "event_id": "\(event.eventID)", "event_type": "\(event.eventType)", "job_id": "\(receipt.jobID)",
                    "exchange_account": "\(receipt.exchangeAccount)",
                ])
            return .created(receipt)
        case .duplicate(let receipt):
            return .duplicate(receipt)
        case .addressTaken(let address):
            // The intake goes on to the next candidate itself; it never hands this out.
            throw APIError(.conflict, code: "address_taken", message: "\(address) was taken meanwhile; send the event again")
        }
    }

    /// Stores an id-only hire as a job that reads the person from the source's API: answered at once, 202 with
    /// the job's id and no address yet (200 with the first receipt for a repeat).
    func acceptRead(
        eventID: String, employeeID: String, callbackURL: String?, delay: Double, source: String, logger: Logger
    ) async throws
        -> Taken
    {
        if let url = callbackURL, let refusal = callbackPolicy.refusal(ofURL: url) {
            throw APIError(.unprocessableContent, code: "callback_url_not_allowed", message: refusal)
        }
        let outcome = try await intake.acceptRead(
            eventID: eventID, personID: employeeID, source: source, callbackURL: callbackURL ?? intake.defaultCallbackURL, delay: delay)
        switch outcome {
        case .created(let receipt):
            logger.info(
                "id-only hire stored; the person is read from the HR API before naming",
                metadata: ["source": "\(source)", "event_id": "\(eventID)", "job_id": "\(receipt.jobID)"])
            return .created(receipt)
        case .duplicate(let receipt):
            return .duplicate(receipt)
        case .addressTaken(let address):
            throw APIError(.conflict, code: "address_taken", message: "\(address) was taken meanwhile; send the event again")
        }
    }

    /// Counts a failed authentication against the client's limit.
    func refused(_ client: String, reason: String, source: String, logger: Logger) {
        failures.recordFailure(client)
        metrics.authFailure(listener: "webhooks", reason: reason)
        if failures.retryAfter(client) != nil {
            logger.warning("a client keeps failing authentication: refused for a while", metadata: ["client": "\(client)", "source": "\(source)"])
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
                throw APIError(
                    .requestTimeout, code: "body_timeout", message: "the body did not arrive within \(timeout)", headers: [.connection: "close"])
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

extension APIError {
    /// The answer to an event the intake refused: 422 with the intake's reason.
    init(_ refusal: JobIntake.Refusal) {
        switch refusal {
        case .noNamingRule(let message): self.init(.unprocessableContent, code: "no_naming_rule", message: message)
        case .unusableName(let message): self.init(.unprocessableContent, code: "unusable_name", message: message)
        case .noFreeAddress(let message): self.init(.unprocessableContent, code: "no_free_address", message: message)
        case .unknownEmployee(let message): self.init(.unprocessableContent, code: "unknown_employee", message: message)
        }
    }
}
