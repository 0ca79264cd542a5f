// SourceSettings: one entry of the `sources:` section: an HR system posting webhooks, or Feishu's event subscription.

/// How a source's requests prove themselves: a vendor's preset, or a generic kind described by `verify:`.
public enum SignatureSchemeName: String, Sendable, Codable, CaseIterable {
    case standardWebhooks = "standard-webhooks"
    /// GitHub-style `X-Hub-Signature-256`; `hub-signature-256` is its earlier name.
    case github
    case hubSignature = "hub-signature-256"
    case bamboohr
    case hibob
    case greenhouse
    case deel
    /// A static token in `Authorization`.
    case personio
    /// HTTP Basic credentials.
    case workday
    /// An HMAC scheme described by `verify:` alone.
    case hmac
    /// A static token described by `verify:` (`Authorization: Bearer <token>` by default).
    case token
    /// HTTP Basic credentials with `verify.username`.
    case basic
    /// Feishu's (Lark's) own event subscription: directory events, verified by token, signature and encryption.
    case feishuEvents = "feishu-events"
}

/// What a hire event for a person whose binding hirebind removed (a termination, then a rehire) is given.
public enum RehirePolicy: String, Sendable, Codable, CaseIterable {
    /// A new binding to a new address by the naming rules; the old address stays reserved to nobody.
    case newAddress = "new_address"
    /// A new binding to the address the person had: it stayed reserved to them.
    case sameAddress = "same_address"
}

/// One sender posting to `/v1/webhooks/{name}`.
public struct SourceSettings: Sendable, Codable {
    public var scheme: SignatureSchemeName
    /// How requests prove themselves beyond the scheme's preset: headers, algorithm, signed content, allow-list.
    public var verify: VerifySettings
    /// How the sender's JSON becomes hirebind's event; nil when the sender posts hirebind's own body.
    public var map: MappingSettings?
    /// How the person of an id-only event is read from the sender's API; nil when every event names the person.
    public var fetch: FetchSettings?
    /// What a hire for someone whose binding was removed (a rehire) gets: a new address, or the one they had.
    public var rehire: RehirePolicy
    /// Active secrets, newest first; during a rotation both the old and the new one are listed: HMAC keys, or the
    /// tokens (`personio`, `token`) or passwords (`workday`, `basic`) the sender presents.
    public var secrets: [SecretReference]
    /// Replay window: how far a signed timestamp may be from now, either way.
    public var toleranceSeconds: Int64
    /// `feishu-events`: the app's Verification Token, checked in every event and in the URL challenge.
    public var verificationToken: SecretReference?
    /// `feishu-events`: the app's Encrypt Keys, newest first (two during a key reset). Without one, Feishu sends
    /// events in plain JSON, checked by the token alone.
    public var encryptKeys: [SecretReference]
    /// Where this source's results are posted; a Feishu event source has no HR callback of its own, so nothing
    /// is posted unless this is set. HMAC sources use the event's `callback_url` or `callbacks.default_url`.
    public var callbackURL: String?
    /// `feishu-events`: the directory field the HR address hint is read from (`email`, or `enterprise_email`).
    public var addressField: String
    /// `feishu-events`: how often the directory is compared with the store (needs `feishu.app_id`); 0 turns it off.
    public var reconcileMinutes: Double
    /// `feishu-events`: how long after a Feishu People (CoreHR) new-hire event the person is first read (Feishu
    /// advises 5–10 s: its reads lag its events).
    public var coreHRReadDelaySeconds: Double

    public init(
        scheme: SignatureSchemeName = .standardWebhooks, secrets: [SecretReference] = [], toleranceSeconds: Int64 = 300,
        verificationToken: SecretReference? = nil, encryptKeys: [SecretReference] = [], callbackURL: String? = nil, addressField: String = "email",
        reconcileMinutes: Double = 60, coreHRReadDelaySeconds: Double = 10, verify: VerifySettings = .init(), rehire: RehirePolicy = .newAddress
    ) {
        self.verify = verify
        self.rehire = rehire
        self.coreHRReadDelaySeconds = coreHRReadDelaySeconds
        self.reconcileMinutes = reconcileMinutes
        self.scheme = scheme
        self.secrets = secrets
        self.toleranceSeconds = toleranceSeconds
        self.verificationToken = verificationToken
        self.encryptKeys = encryptKeys
        self.callbackURL = callbackURL
        self.addressField = addressField
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        scheme = try c.value(.scheme, default: defaults.scheme)
        verify = try c.value(.verify, default: defaults.verify)
        map = try c.decodeIfPresent(MappingSettings.self, forKey: .map)
        fetch = try c.decodeIfPresent(FetchSettings.self, forKey: .fetch)
        rehire = try c.value(.rehire, default: defaults.rehire)
        secrets = try c.value(.secrets, default: defaults.secrets)
        toleranceSeconds = try c.value(.toleranceSeconds, default: defaults.toleranceSeconds)
        verificationToken = try c.decodeIfPresent(SecretReference.self, forKey: .verificationToken)
        encryptKeys = try c.value(.encryptKeys, default: defaults.encryptKeys)
        callbackURL = try c.decodeIfPresent(String.self, forKey: .callbackURL)
        addressField = try c.value(.addressField, default: defaults.addressField)
        reconcileMinutes = try c.value(.reconcileMinutes, default: defaults.reconcileMinutes)
        coreHRReadDelaySeconds = try c.value(.coreHRReadDelaySeconds, default: defaults.coreHRReadDelaySeconds)
    }

    enum CodingKeys: String, CodingKey {
        case scheme, secrets, verify, map, fetch, rehire
        case toleranceSeconds = "tolerance_seconds"
        case verificationToken = "verification_token"
        case encryptKeys = "encrypt_keys"
        case callbackURL = "callback_url"
        case addressField = "address_field"
        case reconcileMinutes = "reconcile_minutes"
        case coreHRReadDelaySeconds = "corehr_read_delay_seconds"
    }
}
