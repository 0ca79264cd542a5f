// FeishuHosts: where the open platform and its sign-in pages are, for Feishu (China) or Lark (international).

/// Which open platform hirebind talks to: Feishu (China) or Lark (international).
public enum FeishuPlatform: String, Sendable, Codable {
    case feishu, lark
}

/// The open platform's API host and the accounts host where an admin signs in, without a trailing slash.
public struct FeishuHosts: Sendable, Hashable {
    /// `https://open.feishu.cn`: every `/open-apis/…` call goes here.
    public var openBaseURL: String
    /// `https://accounts.feishu.cn`: the authorize page (`/open-apis/authen/v1/authorize`).
    public var accountsURL: String

    /// The platform's own hosts, each replaced by an override when given (a proxy, the sandbox).
    public init(platform: FeishuPlatform = .feishu, openBaseURL: String? = nil, accountsURL: String? = nil) {
        let defaults: (open: String, accounts: String) =
            switch platform {
            case .feishu: ("https://open.feishu.cn", "https://accounts.feishu.cn")
            case .lark: ("https://open.larksuite.com", "https://accounts.larksuite.com")
            }
        self.openBaseURL = Self.trimmed(openBaseURL ?? defaults.open)
        self.accountsURL = Self.trimmed(accountsURL ?? defaults.accounts)
    }

    /// Both on one host, as the sandbox serves them.
    public init(singleHost url: String) {
        self.init(openBaseURL: url, accountsURL: url)
    }

    static func trimmed(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }
}
