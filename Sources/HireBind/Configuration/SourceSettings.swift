// SourceSettings: one entry of the `sources:` section, an HR system posting webhooks.

/// Signature schemes a source may use.
public enum SignatureSchemeName: String, Sendable, Codable {
    case standardWebhooks = "standard-webhooks"
    case hubSignature = "hub-signature-256"
}

/// One HR system posting to `/v1/webhooks/{name}`.
public struct SourceSettings: Sendable, Codable {
    public var scheme: SignatureSchemeName
    /// Active secrets, newest first; during a rotation both the old and the new one are listed.
    public var secrets: [SecretReference]
    /// Replay window: how far a signed timestamp may be from now, either way.
    public var toleranceSeconds: Int64

    public init(scheme: SignatureSchemeName = .standardWebhooks, secrets: [SecretReference], toleranceSeconds: Int64 = 300) {
        self.scheme = scheme
        self.secrets = secrets
        self.toleranceSeconds = toleranceSeconds
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self(secrets: [])
        scheme = try c.value(.scheme, default: defaults.scheme)
        secrets = try c.decode([SecretReference].self, forKey: .secrets)
        toleranceSeconds = try c.value(.toleranceSeconds, default: defaults.toleranceSeconds)
    }

    enum CodingKeys: String, CodingKey {
        case scheme, secrets
        case toleranceSeconds = "tolerance_seconds"
    }
}
