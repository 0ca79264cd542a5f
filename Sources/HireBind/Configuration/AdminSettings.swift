// AdminSettings: the `admin:` section, the bearer token of the admin API.

/// The admin API (`/v1/jobs…`, `/v1/callbacks…`); disabled when no token is configured.
public struct AdminSettings: Sendable, Codable {
    public var token: SecretReference?

    public init(token: SecretReference? = nil) {
        self.token = token
    }
}
