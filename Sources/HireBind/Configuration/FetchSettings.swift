// FetchSettings: a source's `fetch:` block: how the person an id-only event names is read from the HR system's API.

public import Foundation

/// How the person of an id-only event is read back from the sender's API before naming: the request (a URL
/// template over `{employee_id}`, the method, a body for POST searches, headers), how hirebind signs in, and
/// where the employee's fields are in the answer.
public struct FetchSettings: Sendable, Codable, Equatable {
    /// `https://hr.example.com/api/v1/employees/{employee_id}`: the id is percent-encoded into the URL.
    public var url: String
    public var method: Method
    /// POST only: a JSON template; `{employee_id}` is written in as JSON string content (escaped).
    public var body: String?
    /// Extra request headers (`Accept`, an API version); never a credential: those go under `auth:`.
    public var headers: [String: String]
    public var auth: FetchAuthSettings
    /// The employee's fields in the answer, as in `map.employee` (JSON Pointers into the answer).
    public var map: [String: FieldMapping]
    /// When the person is read: only when the event's own fields cannot name them (`id_only`), or always.
    public var when: When
    /// How long after the event the person is first read (HR APIs can lag their own webhooks).
    public var readDelaySeconds: Double
    public var timeoutSeconds: Double

    public enum Method: String, Sendable, Codable, Equatable {
        case GET, POST
    }

    public enum When: String, Sendable, Codable, Equatable {
        case idOnly = "id_only"
        case always
    }

    /// The placeholder the URL and the body are written around.
    public static let placeholder = "{employee_id}"

    public init(
        url: String, method: Method = .GET, body: String? = nil, headers: [String: String] = [:], auth: FetchAuthSettings = .init(),
        map: [String: FieldMapping], when: When = .idOnly, readDelaySeconds: Double = 0, timeoutSeconds: Double = 10
    ) {
        self.url = url
        self.method = method
        self.body = body
        self.headers = headers
        self.auth = auth
        self.map = map
        self.when = when
        self.readDelaySeconds = readDelaySeconds
        self.timeoutSeconds = timeoutSeconds
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            url: try c.decode(String.self, forKey: .url), method: try c.value(.method, default: .GET),
            body: try c.decodeIfPresent(String.self, forKey: .body), headers: try c.value(.headers, default: [:]),
            auth: try c.value(.auth, default: .init()), map: try c.decode([String: FieldMapping].self, forKey: .map),
            when: try c.value(.when, default: .idOnly), readDelaySeconds: try c.value(.readDelaySeconds, default: 0),
            timeoutSeconds: try c.value(.timeoutSeconds, default: 10))
    }

    enum CodingKeys: String, CodingKey {
        case url, method, body, headers, auth, map, when
        case readDelaySeconds = "read_delay_seconds"
        case timeoutSeconds = "timeout_seconds"
    }

    /// Refuses what cannot work; errors name the key under `key` (`sources.hr.fetch`).
    func validate(key: String) throws(ConfigurationError) {
        guard let components = URLComponents(string: url.replacingOccurrences(of: Self.placeholder, with: "id")),
            ["http", "https"].contains(components.scheme?.lowercased() ?? ""), components.host?.isEmpty == false
        else {
            throw ConfigurationError(key: "\(key).url", "an absolute http(s) URL, such as https://hr.example.com/api/employees/{employee_id}")
        }
        guard url.contains(Self.placeholder) || (body ?? "").contains(Self.placeholder) else {
            throw ConfigurationError(key: "\(key).url", "write \(Self.placeholder) where the person's id goes (in the URL, or in a POST body)")
        }
        if let body {
            guard method == .POST else { throw ConfigurationError(key: "\(key).body", "only a POST sends a body") }
            let probe = body.replacingOccurrences(of: Self.placeholder, with: "id")
            guard (try? JSONSerialization.jsonObject(with: Data(probe.utf8), options: [.fragmentsAllowed])) != nil else {
                throw ConfigurationError(key: "\(key).body", "not JSON once \(Self.placeholder) is filled in")
            }
        }
        for name in headers.keys where ["authorization", "proxy-authorization", "cookie"].contains(name.lowercased()) {
            throw ConfigurationError(key: "\(key).headers.\(name)", "credentials go under \(key).auth, where they are read as secrets")
        }
        guard timeoutSeconds > 0, timeoutSeconds <= 120 else { throw ConfigurationError(key: "\(key).timeout_seconds", "must be 0–120 seconds") }
        guard readDelaySeconds >= 0, readDelaySeconds <= 3600 else {
            throw ConfigurationError(key: "\(key).read_delay_seconds", "must be 0–3600 seconds")
        }
        guard map["full_name"] != nil || (map["given_name"] != nil && map["family_name"] != nil) else {
            throw ConfigurationError(key: "\(key).map", "map the person's name: given_name and family_name, or full_name")
        }
        try auth.validate(key: "\(key).auth")
    }
}

/// How hirebind signs in to the HR API.
public struct FetchAuthSettings: Sendable, Codable, Equatable {
    public var type: Kind
    /// `bearer`: the token (an API key).
    public var token: SecretReference?
    /// `basic`: the username, as text or as a secret (BambooHR's API key is the username).
    public var username: TextOrSecret?
    /// `basic`: the password (BambooHR takes any, `x` by custom).
    public var password: TextOrSecret?
    /// `oauth2`: the token endpoint of the client-credentials grant.
    public var tokenURL: String?
    public var clientID: String?
    public var clientSecret: SecretReference?
    public var scope: String?
    /// `oauth2`: the client's credentials in the form (`body`, the default) or in a Basic header (`basic`).
    public var clientAuth: ClientAuth

    public enum Kind: String, Sendable, Codable, Equatable {
        case none, bearer, basic, oauth2
    }

    public enum ClientAuth: String, Sendable, Codable, Equatable {
        case body, basic
    }

    public init(
        type: Kind = .none, token: SecretReference? = nil, username: TextOrSecret? = nil, password: TextOrSecret? = nil, tokenURL: String? = nil,
        clientID: String? = nil, clientSecret: SecretReference? = nil, scope: String? = nil, clientAuth: ClientAuth = .body
    ) {
        self.type = type
        self.token = token
        self.username = username
        self.password = password
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scope = scope
        self.clientAuth = clientAuth
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            type: try c.value(.type, default: .none), token: try c.decodeIfPresent(SecretReference.self, forKey: .token),
            username: try c.decodeIfPresent(TextOrSecret.self, forKey: .username),
            password: try c.decodeIfPresent(TextOrSecret.self, forKey: .password), tokenURL: try c.decodeIfPresent(String.self, forKey: .tokenURL),
            clientID: try c.decodeIfPresent(String.self, forKey: .clientID),
            clientSecret: try c.decodeIfPresent(SecretReference.self, forKey: .clientSecret),
            scope: try c.decodeIfPresent(String.self, forKey: .scope),
            clientAuth: try c.value(.clientAuth, default: .body))
    }

    enum CodingKeys: String, CodingKey {
        case type, token, username, password, scope
        case tokenURL = "token_url"
        case clientID = "client_id"
        case clientSecret = "client_secret"
        case clientAuth = "client_auth"
    }

    func validate(key: String) throws(ConfigurationError) {
        let given: [(String, Bool)] = [
            ("token", token != nil), ("username", username != nil), ("password", password != nil), ("token_url", tokenURL != nil),
            ("client_id", clientID != nil), ("client_secret", clientSecret != nil), ("scope", scope != nil),
        ]
        let needed: [String] =
            switch type {
            case .none: []
            case .bearer: ["token"]
            case .basic: ["username", "password"]
            case .oauth2: ["token_url", "client_id", "client_secret"]
            }
        let optional: Set<String> = type == .oauth2 ? ["scope"] : []
        for (name, isSet) in given {
            if needed.contains(name), !isSet { throw ConfigurationError(key: "\(key).\(name)", "required for auth type \(type.rawValue)") }
            if !needed.contains(name), !optional.contains(name), isSet {
                throw ConfigurationError(key: "\(key).\(name)", "not read by auth type \(type.rawValue)")
            }
        }
        if let tokenURL, !["http", "https"].contains(URL(string: tokenURL)?.scheme?.lowercased() ?? "") || URL(string: tokenURL)?.host == nil {
            throw ConfigurationError(key: "\(key).token_url", "an absolute http(s) URL")
        }
    }
}

/// A value written in the configuration, or read from a secret (`{env: NAME}` or `{file: PATH}`).
public enum TextOrSecret: Sendable, Codable, Equatable {
    case text(String)
    case secret(SecretReference)

    public init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            self = .text(text)
        } else {
            self = .secret(try SecretReference(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .text(let text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        case .secret(let reference): try reference.encode(to: encoder)
        }
    }
}
