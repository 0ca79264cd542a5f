// DeclaredHMACSignature: an HMAC scheme described by data: header, prefix, algorithm, encoding, signed content.

/// An HMAC signature scheme described entirely by configuration: which header holds the signature (after an
/// optional prefix such as `sha256=`, several of them split by a separator), which algorithm and encoding, and
/// which bytes are signed (``SignedContentTemplate``); optionally a timestamp header with a replay window and an
/// id header. The vendors' presets (``SignaturePreset``) are values of this type.
public struct DeclaredHMACSignature: WebhookSignatureScheme, Equatable {
    /// The header holding the signature(s), matched case-insensitively.
    public var header: String
    /// Text before each signature (`sha256=`, `v1,`, `sha256 `); compared case-insensitively and required.
    public var prefix: String
    /// Splits a header holding several signatures (one per active secret); nil for exactly one.
    public var separator: String?
    public var algorithm: HMACAlgorithm
    public var encoding: SignatureEncoding
    public var signedContent: SignedContentTemplate
    /// The header holding the time the request was signed; nil for a scheme with no replay window.
    public var timestampHeader: String?
    public var timestampUnit: TimestampUnit
    /// How far the signed timestamp may be from now, either way.
    public var toleranceSeconds: Int64
    /// The header holding the delivery's id, for `{id}` in the signed content.
    public var idHeader: String?

    /// How a timestamp header counts time since 1970.
    public enum TimestampUnit: String, Sendable, Codable, CaseIterable {
        case seconds
        case milliseconds
    }

    public init(
        header: String, prefix: String = "", separator: String? = nil, algorithm: HMACAlgorithm = .sha256, encoding: SignatureEncoding = .hex,
        signedContent: SignedContentTemplate, timestampHeader: String? = nil, timestampUnit: TimestampUnit = .seconds,
        toleranceSeconds: Int64 = 300, idHeader: String? = nil
    ) {
        self.header = header
        self.prefix = prefix
        self.separator = separator
        self.algorithm = algorithm
        self.encoding = encoding
        self.signedContent = signedContent
        self.timestampHeader = timestampHeader
        self.timestampUnit = timestampUnit
        self.toleranceSeconds = toleranceSeconds
        self.idHeader = idHeader
    }

    /// Whether a captured request stops verifying after a while.
    public var hasReplayWindow: Bool { timestampHeader != nil && signedContent.uses(.timestamp) }

    /// At most this many signatures are read from one header (one per active secret is usual).
    public static let maximumSignatures = 16
    public static let maximumHeaderBytes = 4096

    public func verify(headers: HeaderLookup, body: [UInt8], secrets: [SigningSecret], now: UnixTime) throws(SignatureFailure) {
        let timestamp = try checkedTimestamp(headers, now: now)
        let id = try idHeader.map { name throws(SignatureFailure) in
            let value = try headers.single(name)
            guard !value.isEmpty, value.utf8.count <= 256 else { throw .malformedHeader(name, reason: "must be 1–256 characters") }
            return value
        }
        let candidates = try signatures(in: try headers.single(header))
        let message = signedContent.render(body: body, timestamp: timestamp ?? "", id: id ?? "")
        guard anySecretSigned(message, candidates: candidates, secrets: secrets, algorithm: algorithm) else { throw .noMatchingSignature }
    }

    /// The timestamp header's value as sent, once it is within the replay window; nil without one.
    func checkedTimestamp(_ headers: HeaderLookup, now: UnixTime) throws(SignatureFailure) -> String? {
        guard let timestampHeader else { return nil }
        let text = try headers.single(timestampHeader)
        guard text.utf8.count <= 19, let value = Int64(text), value >= 0 else {
            throw .malformedHeader(timestampHeader, reason: "must be whole \(timestampUnit.rawValue) since 1970")
        }
        let seconds = timestampUnit == .milliseconds ? value / 1000 : value
        let skew = seconds > now ? seconds - now : now - seconds
        guard skew <= toleranceSeconds else {
            throw .timestampOutsideTolerance(skewSeconds: skew, toleranceSeconds: toleranceSeconds)
        }
        return text
    }

    /// The decoded signatures of the header; entries without the prefix or of another encoding are skipped.
    func signatures(in value: String) throws(SignatureFailure) -> [[UInt8]] {
        guard value.utf8.count <= Self.maximumHeaderBytes else {
            throw .malformedHeader(header, reason: "longer than \(Self.maximumHeaderBytes) bytes")
        }
        let entries: [Substring] =
            if let separator, !separator.isEmpty {
                value.split(separator: separator, omittingEmptySubsequences: true)
            } else {
                [Substring(value)]
            }
        guard entries.count <= Self.maximumSignatures else {
            throw .malformedHeader(header, reason: "more than \(Self.maximumSignatures) signatures")
        }
        let decoded: [[UInt8]] = entries.compactMap { entry in
            let trimmed = separator == nil ? entry : entry.drop(while: { $0 == " " })
            guard trimmed.utf8.count >= prefix.utf8.count,
                String(trimmed.prefix(prefix.count)).lowercased() == prefix.lowercased()
            else { return nil }
            return encoding.decode(trimmed.dropFirst(prefix.count))
        }
        guard !decoded.isEmpty else {
            let shape = "'\(prefix)<\(encoding.rawValue)>'"
            throw .malformedHeader(header, reason: separator == nil ? "expected \(shape)" : "expected one or more \(shape) entries")
        }
        return decoded
    }

    /// The headers that sign `body` with `secret` (for tests, the sandbox and `hirebind map`'s sample requests).
    public func sign(body: [UInt8], secret: SigningSecret, timestamp: UnixTime? = nil, id: String? = nil) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        var timestampText = ""
        if let timestampHeader, let timestamp {
            timestampText = String(timestampUnit == .milliseconds ? timestamp * 1000 : timestamp)
            headers.append((timestampHeader, timestampText))
        }
        if let idHeader, let id { headers.append((idHeader, id)) }
        let mac = algorithm.authenticationCode(key: secret.key, message: signedContent.render(body: body, timestamp: timestampText, id: id ?? ""))
        headers.append((header, prefix + encoding.encode(mac)))
        return headers
    }
}
