// VerifySettings: a source's `verify:` block: how its requests prove themselves, over and above its preset.

public import WebhookSignature

/// How a source's requests prove themselves, beyond what `scheme:` names. With a vendor preset
/// (`scheme: bamboohr`) every key is optional and overrides the preset's; `scheme: hmac` describes a sender
/// from scratch (`header` required); `token` and `basic` take only the keys that apply to them.
public struct VerifySettings: Sendable, Codable, Equatable {
    /// The header holding the signature (HMAC) or the token (`token`).
    public var header: String?
    /// Text before each signature (`sha256=`, `v1,`) or before the token (`Bearer `).
    public var prefix: String?
    /// Splits a header listing several signatures (one per active secret).
    public var separator: String?
    public var algorithm: HMACAlgorithm?
    public var encoding: SignatureEncoding?
    /// What is signed: a template over `{body}`, `{timestamp}`, `{id}`, `{method}` and literal text.
    public var signed: String?
    /// The header holding the signing time; the source's `tolerance_seconds` is its replay window.
    public var timestampHeader: String?
    public var timestampUnit: DeclaredHMACSignature.TimestampUnit?
    /// The header holding the delivery id, for `{id}`.
    public var idHeader: String?
    /// `basic`: the username; the passwords are the source's `secrets`.
    public var username: String?
    /// Networks the source's requests must come from (CIDR blocks or addresses), in addition to the signature.
    public var allowIPs: [String]

    public init(
        header: String? = nil, prefix: String? = nil, separator: String? = nil, algorithm: HMACAlgorithm? = nil,
        encoding: SignatureEncoding? = nil, signed: String? = nil, timestampHeader: String? = nil,
        timestampUnit: DeclaredHMACSignature.TimestampUnit? = nil, idHeader: String? = nil, username: String? = nil, allowIPs: [String] = []
    ) {
        self.header = header
        self.prefix = prefix
        self.separator = separator
        self.algorithm = algorithm
        self.encoding = encoding
        self.signed = signed
        self.timestampHeader = timestampHeader
        self.timestampUnit = timestampUnit
        self.idHeader = idHeader
        self.username = username
        self.allowIPs = allowIPs
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        header = try c.decodeIfPresent(String.self, forKey: .header)
        prefix = try c.decodeIfPresent(String.self, forKey: .prefix)
        separator = try c.decodeIfPresent(String.self, forKey: .separator)
        algorithm = try c.decodeIfPresent(HMACAlgorithm.self, forKey: .algorithm)
        encoding = try c.decodeIfPresent(SignatureEncoding.self, forKey: .encoding)
        signed = try c.decodeIfPresent(String.self, forKey: .signed)
        timestampHeader = try c.decodeIfPresent(String.self, forKey: .timestampHeader)
        timestampUnit = try c.decodeIfPresent(DeclaredHMACSignature.TimestampUnit.self, forKey: .timestampUnit)
        idHeader = try c.decodeIfPresent(String.self, forKey: .idHeader)
        username = try c.decodeIfPresent(String.self, forKey: .username)
        allowIPs = try c.value(.allowIPs, default: [])
    }

    enum CodingKeys: String, CodingKey {
        case header, prefix, separator, algorithm, encoding, signed, username
        case timestampHeader = "timestamp_header"
        case timestampUnit = "timestamp_unit"
        case idHeader = "id_header"
        case allowIPs = "allow_ips"
    }

    /// The keys set that only an HMAC scheme reads.
    var hmacKeys: [String] {
        [
            ("separator", separator != nil), ("algorithm", algorithm != nil), ("encoding", encoding != nil), ("signed", signed != nil),
            ("timestamp_header", timestampHeader != nil), ("timestamp_unit", timestampUnit != nil), ("id_header", idHeader != nil),
        ].filter(\.1).map(\.0)
    }
}

extension SourceSettings {
    /// The scheme this source's requests are verified with; nil for `feishu-events`, which has its own receiver.
    /// Errors name the `verify` key at fault.
    public func signatureScheme(source name: String) throws(ConfigurationError) -> (any WebhookSignatureScheme)? {
        let key = "sources.\(name).verify"
        func refuse(_ keys: [String], _ reason: String) throws(ConfigurationError) {
            if let first = keys.first { throw ConfigurationError(key: "\(key).\(first)", reason) }
        }
        switch scheme {
        case .feishuEvents:
            try refuse(
                verify.hmacKeys
                    + [("header", verify.header != nil), ("prefix", verify.prefix != nil), ("username", verify.username != nil)]
                    .filter(\.1).map(\.0),
                "a feishu-events source is verified by Feishu's own rules")
            try refuse(
                verify.allowIPs.isEmpty ? [] : ["allow_ips"],
                "Feishu publishes no fixed sender addresses; its events are checked by token, signature and encryption")
            return nil
        case .standardWebhooks:
            try refuse(
                verify.hmacKeys + [("header", verify.header != nil), ("prefix", verify.prefix != nil)].filter(\.1).map(\.0),
                "standard-webhooks is fixed by its specification; use scheme: hmac to describe another sender")
            try refuse(verify.username != nil ? ["username"] : [], "only a basic source has a username")
            return StandardWebhooks(toleranceSeconds: toleranceSeconds)
        case .personio, .token:
            try refuse(verify.hmacKeys, "a \(scheme.rawValue) source compares a token; it signs nothing")
            try refuse(verify.username != nil ? ["username"] : [], "only a basic source has a username")
            let preset = scheme == .personio ? StaticToken.personio : StaticToken()
            return StaticToken(header: verify.header ?? preset.header, prefix: verify.prefix ?? preset.prefix)
        case .workday, .basic:
            try refuse(
                verify.hmacKeys + [("header", verify.header != nil), ("prefix", verify.prefix != nil)].filter(\.1).map(\.0),
                "HTTP Basic credentials always travel in Authorization")
            guard let username = verify.username, !username.isEmpty, !username.contains(":") else {
                throw ConfigurationError(key: "\(key).username", "a \(scheme.rawValue) source needs the username the sender uses (without ':')")
            }
            return BasicCredentials(username: username)
        case .github, .hubSignature, .bamboohr, .hibob, .greenhouse, .deel, .hmac:
            try refuse(verify.username != nil ? ["username"] : [], "only a basic source has a username")
            var declared: DeclaredHMACSignature
            switch scheme {
            case .github, .hubSignature: declared = .github
            case .bamboohr: declared = .bambooHR
            case .hibob: declared = .hiBob
            case .greenhouse: declared = .greenhouse
            case .deel: declared = .deel
            default:
                guard let header = verify.header else {
                    throw ConfigurationError(key: "\(key).header", "an hmac source names the header that holds the signature")
                }
                declared = DeclaredHMACSignature(header: header, signedContent: try Self.template("{body}", key: key))
            }
            if let header = verify.header { declared.header = header }
            if let prefix = verify.prefix { declared.prefix = prefix }
            if let separator = verify.separator { declared.separator = separator.isEmpty ? nil : separator }
            if let algorithm = verify.algorithm { declared.algorithm = algorithm }
            if let encoding = verify.encoding { declared.encoding = encoding }
            if let signed = verify.signed { declared.signedContent = try Self.template(signed, key: key) }
            if let timestampHeader = verify.timestampHeader { declared.timestampHeader = timestampHeader.isEmpty ? nil : timestampHeader }
            if let unit = verify.timestampUnit { declared.timestampUnit = unit }
            if let idHeader = verify.idHeader { declared.idHeader = idHeader.isEmpty ? nil : idHeader }
            declared.toleranceSeconds = toleranceSeconds
            if declared.signedContent.uses(.timestamp), declared.timestampHeader == nil {
                throw ConfigurationError(key: "\(key).timestamp_header", "the signed content names {timestamp}: say which header carries it")
            }
            if declared.signedContent.uses(.id), declared.idHeader == nil {
                throw ConfigurationError(key: "\(key).id_header", "the signed content names {id}: say which header carries it")
            }
            return declared
        }
    }

    static func template(_ text: String, key: String) throws(ConfigurationError) -> SignedContentTemplate {
        do {
            return try SignedContentTemplate(text)
        } catch {
            throw ConfigurationError(key: "\(key).signed", "\(error)")
        }
    }

    /// The networks this source's requests may come from (every network without `verify.allow_ips`).
    public func clientAllowList(source name: String) throws(ConfigurationError) -> ClientAllowList {
        do {
            return try ClientAllowList(verify.allowIPs)
        } catch {
            throw ConfigurationError(key: "sources.\(name).verify.allow_ips", "\(error)")
        }
    }

    /// Whether a captured request of this source stops being accepted after `tolerance_seconds`.
    public var hasReplayWindow: Bool {
        switch (try? signatureScheme(source: "")) ?? nil {
        case is StandardWebhooks: true
        case let declared as DeclaredHMACSignature: declared.hasReplayWindow
        case nil: scheme == .feishuEvents
        default: false
        }
    }
}
