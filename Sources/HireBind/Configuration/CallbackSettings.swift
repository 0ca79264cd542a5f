// CallbackSettings: the `callbacks:` section, results posted back to the HR system.

public import HireBindCore

/// Results posted back to the HR system.
public struct CallbackSettings: Sendable, Codable {
    /// Where results go when the event names no `callback_url`; without either, no callback is sent.
    public var defaultURL: String?
    /// Standard Webhooks secret (`whsec_…`) callbacks are signed with.
    public var secret: SecretReference?
    public var timeoutSeconds: Double
    public var retry: RetryPolicy
    /// How long a result is retried before it is dead (listed and retryable by hand).
    public var maxAgeHours: Double
    /// Hosts an event's `callback_url` may name (`hr.example.com`, `*.example.com`); `default_url`'s host always may.
    public var allowedHosts: [String]
    /// Allow callbacks to loopback, private and link-local addresses (checked on the resolved addresses).
    public var allowPrivateAddresses: Bool

    public init(
        defaultURL: String? = nil, secret: SecretReference? = nil, timeoutSeconds: Double = 10,
        retry: RetryPolicy = .callbackDefault, maxAgeHours: Double = 72, allowedHosts: [String] = [], allowPrivateAddresses: Bool = false
    ) {
        self.defaultURL = defaultURL
        self.secret = secret
        self.timeoutSeconds = timeoutSeconds
        self.retry = retry
        self.maxAgeHours = maxAgeHours
        self.allowedHosts = allowedHosts
        self.allowPrivateAddresses = allowPrivateAddresses
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        defaultURL = try c.decodeIfPresent(String.self, forKey: .defaultURL)
        secret = try c.decodeIfPresent(SecretReference.self, forKey: .secret)
        timeoutSeconds = try c.value(.timeoutSeconds, default: defaults.timeoutSeconds)
        retry = try c.value(.retry, default: defaults.retry)
        maxAgeHours = try c.value(.maxAgeHours, default: defaults.maxAgeHours)
        allowedHosts = try c.value(.allowedHosts, default: defaults.allowedHosts)
        allowPrivateAddresses = try c.value(.allowPrivateAddresses, default: defaults.allowPrivateAddresses)
    }

    enum CodingKeys: String, CodingKey {
        case defaultURL = "default_url"
        case secret
        case timeoutSeconds = "timeout_seconds"
        case retry
        case maxAgeHours = "max_age_hours"
        case allowedHosts = "allowed_hosts"
        case allowPrivateAddresses = "allow_private_addresses"
    }
}
