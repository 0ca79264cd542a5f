// FeishuEventReceiver: a `feishu-events` source: challenge, signature, decryption, token, then directory events to jobs.

import FeishuAPI
import Foundation
import HireBindCore
import Hummingbird
import JobStore
import Logging
import Secrets
import WebhookSignature

/// Receives Feishu's event subscription for one source. Feishu resends anything not answered 200 within 3 s, so
/// every event it would resend for nothing (a duplicate, an event type hirebind does not act on, a person that
/// cannot be named) is answered 200 with what was done; forged, stale, undecryptable or wrongly tokened
/// requests are refused with a 4xx and bind nothing.
struct FeishuEventReceiver: Sendable {
    static let created = "contact.user.created_v3"
    static let updated = "contact.user.updated_v3"
    static let deleted = "contact.user.deleted_v3"
    /// Feishu People's new-hire events: ids only, the person read before naming.
    static let coreHRHires: Set<String> = ["corehr.employee.domain_event_v2", "corehr.job_data.employed_v1"]

    let name: String
    let secrets: FeishuEventSecrets
    let toleranceSeconds: Int64
    let mapping: DirectoryEventMapping
    let callbackURL: String?
    let intake: JobIntake
    let metrics: HireBindMetrics
    /// How long after such an event the person is first read: Feishu advises 5–10 s.
    let coreHRReadDelay: Double

    func receive(body: [UInt8], headers: HeaderLookup, logger: Logger) async throws -> Response {
        let outer = try Self.decode(body)
        let plain: FeishuEventEnvelope
        var signed = false
        if let encrypted = outer.encrypt {
            guard !secrets.encryptKeys.isEmpty else {
                throw APIError(.badRequest, code: "unexpected_encryption", message: "the body is encrypted but the source has no encrypt_keys")
            }
            var keys = secrets.encryptKeys
            if let presented = headers.values(FeishuEventSignature.signatureHeader).first {
                let index = try verifySignature(presented, headers: headers, body: body)
                keys = [secrets.encryptKeys[index]]
                signed = true
            }
            plain = try decrypt(encrypted, trying: keys)
        } else {
            guard secrets.encryptKeys.isEmpty else {
                throw APIError(
                    .unauthorized, code: "invalid_signature", message: "the source has an Encrypt Key: Feishu sends events encrypted and signed")
            }
            plain = outer
        }

        if plain.type == "url_verification" {
            // Feishu signs no challenge, encrypted or not: the token inside is the proof.
            try checkToken(plain.token)
            guard let challenge = plain.challenge else {
                throw APIError(.badRequest, code: "invalid_event", message: "challenge: is required in a url_verification request")
            }
            logger.info("Feishu event subscription verified", metadata: ["source": "\(name)"])
            return Response.json(.ok, ["challenge": challenge])
        }
        guard plain.schema == "2.0", let header = plain.header else {
            throw APIError(
                .badRequest, code: "unsupported_schema",
                message:
                    "only schema 2.0 events are accepted (this is \(plain.schema.map { "schema \($0)" } ?? "a 1.0 event")); choose 2.0 in the app's event settings"
            )
        }
        try checkToken(header.token)
        guard secrets.encryptKeys.isEmpty || signed else {
            throw APIError(.unauthorized, code: "invalid_signature", message: "the X-Lark-Signature header is missing")
        }
        return try await handle(plain, header: header, logger: logger)
    }

    func handle(_ envelope: FeishuEventEnvelope, header: FeishuEventEnvelope.Header, logger: Logger) async throws -> Response {
        var logger = logger
        logger[metadataKey: "source"] = "\(name)"
        logger[metadataKey: "event_id"] = "\(header.eventID)"
        logger[metadataKey: "event_type"] = "\(header.eventType)"
        if Self.coreHRHires.contains(header.eventType) {
            return try await coreHRHire(envelope, header: header, logger: logger)
        }
        guard [Self.created, Self.deleted].contains(header.eventType) else {
            // `updated_v3` changes nothing: an address, once handed out, stays the person's (see README).
            metrics.feishuEvent(type: header.eventType, outcome: "ignored")
            logger.info("Feishu event acknowledged and ignored: hirebind does not act on this event type")
            return Response.json(.ok, ["status": "ignored", "event_type": header.eventType])
        }
        let user: DirectoryUser
        do {
            let data = try JSONEncoder().encode(envelope.event ?? .null)
            user = try JSONDecoder().decode(DirectoryUserEvent.self, from: data).object
        } catch {
            throw APIError(.unprocessableContent, code: "invalid_event", message: "event.object: is required, with the person's fields")
        }
        let event: NewHireEvent
        do {
            event =
                header.eventType == Self.created
                ? try mapping.hire(user, eventID: header.eventID, createTime: header.createTime)
                : try mapping.departure(user, eventID: header.eventID, createTime: header.createTime)
        } catch {
            return try await refused(error.description, header: header, employeeID: user.openID, logger: logger)
        }
        do {
            let outcome = try await intake.accept(event, source: name, resultsTo: .only(callbackURL), onePerPerson: true)
            switch outcome {
            case .created(let receipt):
                metrics.feishuEvent(type: header.eventType, outcome: "accepted")
                logger.info("job accepted", metadata: ["job_id": "\(receipt.jobID)", "exchange_account": "\(receipt.exchangeAccount)"])
                return Response.json(.ok, receipt)
            case .duplicate(let receipt):
                metrics.feishuEvent(type: header.eventType, outcome: "duplicate")
                return Response.json(.ok, receipt)
            case .addressTaken(let address):
                throw APIError(.conflict, code: "address_taken", message: "\(address) was taken meanwhile; Feishu sends the event again")
            }
        } catch let refusal as JobIntake.Refusal {
            if case .unknownEmployee = refusal {
                metrics.feishuEvent(type: header.eventType, outcome: "ignored")
                logger.info("a person left who was never bound: nothing to unbind")
                return Response.json(.ok, ["status": "ignored", "event_type": header.eventType])
            }
            return try await refused(APIError(refusal).message, header: header, employeeID: user.openID, logger: logger)
        }
    }

    /// An id-only new hire of Feishu People: stored at once, read after a delay, then named and bound.
    func coreHRHire(_ envelope: FeishuEventEnvelope, header: FeishuEventEnvelope.Header, logger: Logger) async throws -> Response {
        guard case .object(let event)? = envelope.event, case .string(let employmentID)? = event["employment_id"], !employmentID.isEmpty else {
            return try await refused("event.employment_id: missing in a \(header.eventType) event", header: header, employeeID: nil, logger: logger)
        }
        // domain_event_v2 carries every kind of change: only type 1, sub type 1001 is a new hire.
        if header.eventType == "corehr.employee.domain_event_v2",
            case .number(let type)? = event["event_type"], case .number(let subType)? = event["sub_event_type"], type != 1 || subType != 1001
        {
            metrics.feishuEvent(type: header.eventType, outcome: "ignored")
            return Response.json(.ok, ["status": "ignored", "event_type": header.eventType])
        }
        let outcome = try await intake.acceptRead(
            eventID: header.eventID, personID: employmentID, source: name, callbackURL: callbackURL, delay: coreHRReadDelay)
        guard case .created(let receipt) = outcome else {
            metrics.feishuEvent(type: header.eventType, outcome: "duplicate")
            if case .duplicate(let first) = outcome { return Response.json(.ok, first) }
            return Response.json(.ok, ["status": "ignored", "event_type": header.eventType])
        }
        metrics.feishuEvent(type: header.eventType, outcome: "accepted")
        logger.info("id-only hire stored; the person is read before naming", metadata: ["job_id": "\(receipt.jobID)"])
        return Response.json(.ok, receipt)
    }

    /// A person who cannot be bound: resending cannot help, so Feishu gets its 200; the reason is kept as a failed
    /// job (`GET /v1/jobs?status=failed`) and logged. Once the field's scope is granted, reconciliation binds them.
    func refused(_ reason: String, header: FeishuEventEnvelope.Header, employeeID: String?, logger: Logger) async throws -> Response {
        metrics.feishuEvent(type: header.eventType, outcome: "refused")
        logger.error("a directory event could not become a job: \(reason)")
        let failure = JobFailure(
            code: "unusable_person", message: reason,
            hint: "Grant the app the scope named, then wait for the next reconciliation (or run hirebind backfill)."
        )
        let outcome = try await intake.recordRefusal(eventID: header.eventID, employeeID: employeeID ?? "", source: name, failure: failure)
        var jobID: String?
        if case .created(let receipt) = outcome { jobID = receipt.jobID }
        if case .duplicate(let receipt) = outcome { jobID = receipt.jobID }
        return Response.json(.ok, Refused(jobID: jobID, error: .init(code: "unusable_person", message: reason)))
    }

    struct Refused: Encodable {
        var status = "refused"
        var jobID: String?
        var error: APIError.Detail

        enum CodingKeys: String, CodingKey {
            case status, error
            case jobID = "job_id"
        }
    }

    /// The index of the Encrypt Key that signed the request, within the replay window.
    func verifySignature(_ presented: String, headers: HeaderLookup, body: [UInt8]) throws -> Int {
        guard let timestamp = headers.values(FeishuEventSignature.timestampHeader).first,
            let nonce = headers.values(FeishuEventSignature.nonceHeader).first
        else {
            throw APIError(
                .unauthorized, code: "invalid_signature", message: "X-Lark-Request-Timestamp and X-Lark-Request-Nonce are required with a signature")
        }
        guard var seconds = Int64(timestamp) else {
            throw APIError(.unauthorized, code: "invalid_signature", message: "X-Lark-Request-Timestamp is not a number")
        }
        // Feishu's examples are in seconds; a value in milliseconds is read as such.
        if seconds > 100_000_000_000 { seconds /= 1000 }
        guard abs(Int64(Date().timeIntervalSince1970) - seconds) <= toleranceSeconds else {
            throw APIError(
                .unauthorized, code: "invalid_signature", message: "X-Lark-Request-Timestamp is outside the replay window of \(toleranceSeconds) s")
        }
        guard
            let index = FeishuEventSignature.matchingKey(
                presented: presented, timestamp: timestamp, nonce: nonce, encryptKeys: secrets.encryptKeys.map(\.value), body: body
            )
        else {
            throw APIError(.unauthorized, code: "invalid_signature", message: "X-Lark-Signature does not match the body under any Encrypt Key")
        }
        return index
    }

    func decrypt(_ encrypted: String, trying keys: [Secret]) throws -> FeishuEventEnvelope {
        var failure: DecryptionFailure?
        for key in keys {
            do {
                return try Self.decode(try FeishuEventCipher(encryptKey: key.value).decrypt(encrypted))
            } catch let error as DecryptionFailure {
                failure = error
            }
        }
        throw APIError(.badRequest, code: "undecryptable", message: "encrypt: \(failure.map { "\($0)" } ?? "cannot be decrypted")")
    }

    func checkToken(_ token: String?) throws {
        guard ConstantTime.equals(Array((token ?? "").utf8), Array(secrets.verificationToken.value.utf8)) else {
            throw APIError(.unauthorized, code: "invalid_token", message: "the event's token is not the source's Verification Token")
        }
    }

    static func decode(_ bytes: [UInt8]) throws -> FeishuEventEnvelope {
        do {
            return try JSONDecoder().decode(FeishuEventEnvelope.self, from: Data(bytes))
        } catch {
            throw APIError(.unsupportedMediaType, code: "not_json", message: "the body is not Feishu's event JSON")
        }
    }
}
