// NamingPolicy: rule sets, transliteration options, counters, reserved and never-reuse lists.

/// How ü in pinyin is spelled: `yu` as Chinese passports do (GB/T 28039: 吕 → lyu), `v` as typed, or plain `u`.
public enum ChineseUSpelling: String, Sendable, Hashable, Codable {
    case yu, v, u

    var spelling: String {
        switch self {
        case .yu: "yu"
        case .v: "v"
        case .u: "u"
        }
    }
}

/// How Latin diacritics fold: `strip` (ä → a), `german` (ä → ae, ö → oe, ü → ue) or `scandinavian`
/// (å → aa, ø → oe, æ → ae, ä → ae, ö → oe).
public enum LatinStyle: String, Sendable, Hashable, Codable {
    case strip, german, scandinavian
}

/// How Han characters are read: as Chinese (pinyin), or as Japanese kanji, whose reading cannot be
/// derived: such names need the romanised parts from HR.
public enum HanReading: String, Sendable, Hashable, Codable {
    case chinese, japanese
}

/// How a hangul family name is spelled: by the Revised Romanization (김 → gim), or as families customarily do (Kim).
public enum KoreanSurnameSpelling: String, Sendable, Hashable, Codable {
    case revised, customary
}

/// Which of several surnames (García López) the address keeps: all `join`ed (garcialopez) or `hyphen`ated
/// (garcia-lopez), the `first` (garcia: Spanish custom) or the `last` (Portuguese custom: Silva Santos → santos).
public enum SurnameChoice: String, Sendable, Hashable, Codable {
    case join, hyphen, first, last
}

/// What becomes of particles (van, von, de, der, di, …): `join`ed to the surname (vanderberg), `drop`ped (berg)
/// or `keep` as their own parts, hyphenated (van-der-berg).
public enum ParticleStyle: String, Sendable, Hashable, Codable {
    case join, drop, keep
}

/// A culture's conventions in one word; each sets defaults that the other keys override.
public enum NamingCulture: String, Sendable, Hashable, Codable, CaseIterable {
    case german, scandinavian, spanish, portuguese, korean, vietnamese
}

public struct TransliterationOptions: Sendable, Hashable, Codable {
    public var chineseU = ChineseUSpelling.yu
    public var latin = LatinStyle.strip
    public var han = HanReading.chinese
    public var koreanSurnames = KoreanSurnameSpelling.revised
    public var surnames = SurnameChoice.join
    public var particles = ParticleStyle.join
    /// Vietnamese names: the family name first, the given name the last word, the words between a middle name.
    public var vietnamese = false
    /// The preset the other options started from, if any.
    public var culture: NamingCulture?

    public init(
        chineseU: ChineseUSpelling = .yu, latin: LatinStyle = .strip, han: HanReading = .chinese, koreanSurnames: KoreanSurnameSpelling = .revised,
        surnames: SurnameChoice = .join, particles: ParticleStyle = .join, vietnamese: Bool = false
    ) {
        self.chineseU = chineseU
        self.latin = latin
        self.han = han
        self.koreanSurnames = koreanSurnames
        self.surnames = surnames
        self.particles = particles
        self.vietnamese = vietnamese
    }

    /// The options a culture's preset starts from.
    public init(culture: NamingCulture) {
        self.init()
        self.culture = culture
        switch culture {
        case .german: latin = .german
        case .scandinavian: latin = .scandinavian
        case .spanish: surnames = .first
        case .portuguese: surnames = .last
        case .korean: koreanSurnames = .customary
        case .vietnamese: vietnamese = true
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let culture = try c.decodeIfPresent(NamingCulture.self, forKey: .culture)
        let base = culture.map(TransliterationOptions.init(culture:)) ?? TransliterationOptions()
        self = base
        chineseU = try c.decodeIfPresent(ChineseUSpelling.self, forKey: .chineseU) ?? base.chineseU
        latin = try c.decodeIfPresent(LatinStyle.self, forKey: .latin) ?? base.latin
        han = try c.decodeIfPresent(HanReading.self, forKey: .han) ?? base.han
        koreanSurnames = try c.decodeIfPresent(KoreanSurnameSpelling.self, forKey: .koreanSurnames) ?? base.koreanSurnames
        surnames = try c.decodeIfPresent(SurnameChoice.self, forKey: .surnames) ?? base.surnames
        particles = try c.decodeIfPresent(ParticleStyle.self, forKey: .particles) ?? base.particles
        vietnamese = try c.decodeIfPresent(Bool.self, forKey: .vietnamese) ?? base.vietnamese
    }

    enum CodingKeys: String, CodingKey {
        case chineseU = "chinese_u"
        case latin, han, surnames, particles, culture
        case koreanSurnames = "korean_surnames"
        case vietnamese = "vietnamese_names"
    }
}

/// The counter of the last template: `{n}` starts at `start`, zero-padded to `padding` digits.
public struct CounterStyle: Sendable, Hashable, Codable {
    public var start = 2
    public var padding = 0

    public init(start: Int = 2, padding: Int = 0) {
        self.start = start
        self.padding = padding
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        start = try c.decodeIfPresent(Int.self, forKey: .start) ?? 2
        padding = try c.decodeIfPresent(Int.self, forKey: .padding) ?? 0
    }

    func render(_ value: Int) -> String {
        let digits = String(value)
        return digits.count >= padding ? digits : String(repeating: "0", count: padding - digits.count) + digits
    }

    enum CodingKeys: String, CodingKey { case start, padding }
}

/// Which employees a rule set is for: every listed attribute must match one of its values (case-insensitively).
public struct RuleCondition: Sendable, Hashable, Codable {
    public var company: [String]?
    public var department: [String]?
    public var location: [String]?
    public var employmentType: [String]?

    public init(company: [String]? = nil, department: [String]? = nil, location: [String]? = nil, employmentType: [String]? = nil) {
        self.company = company
        self.department = department
        self.location = location
        self.employmentType = employmentType
    }

    public func matches(_ attributes: EmployeeAttributes) -> Bool {
        func matches(_ allowed: [String]?, _ value: String?) -> Bool {
            guard let allowed else { return true }
            guard let value = value?.lowercased() else { return false }
            return allowed.contains { $0.lowercased() == value }
        }
        return matches(company, attributes.company) && matches(department, attributes.department)
            && matches(location, attributes.location) && matches(employmentType, attributes.employmentType)
    }

    enum CodingKeys: String, CodingKey {
        case company, department, location
        case employmentType = "employment_type"
    }
}

/// One set of naming rules: for whom, which domain and Exchange admin account, which templates in order.
public struct NamingRuleSet: Sendable, Hashable, Codable {
    public var name: String
    public var when: RuleCondition?
    public var domain: String
    /// The Exchange admin account bindings of this rule set are made with; nil uses `feishu.admin_account`.
    public var adminAccount: String?
    /// Candidate templates in order; `{n}` may appear in the last one only. Without `{n}`, the counter is
    /// appended to the last template.
    public var templates: [String]
    public var counter: CounterStyle
    /// Try the address the HR event carries (`employee.email`) first, when it is in this rule set's domain.
    public var preferHRAddress: Bool
    /// Use the romanised names the HR event carries instead of transliterating.
    public var preferHRRomanization: Bool
    public var transliteration: TransliterationOptions

    public init(
        name: String = "default", when: RuleCondition? = nil, domain: String, adminAccount: String? = nil,
        templates: [String] = ["{given}.{family}"], counter: CounterStyle = .init(), preferHRAddress: Bool = false,
        preferHRRomanization: Bool = true, transliteration: TransliterationOptions = .init()
    ) {
        self.name = name
        self.when = when
        self.domain = domain
        self.adminAccount = adminAccount
        self.templates = templates
        self.counter = counter
        self.preferHRAddress = preferHRAddress
        self.preferHRRomanization = preferHRRomanization
        self.transliteration = transliteration
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? "default"
        when = try c.decodeIfPresent(RuleCondition.self, forKey: .when)
        domain = try c.decode(String.self, forKey: .domain)
        adminAccount = try c.decodeIfPresent(String.self, forKey: .adminAccount)
        templates = try c.decodeIfPresent([String].self, forKey: .templates) ?? ["{given}.{family}"]
        counter = try c.decodeIfPresent(CounterStyle.self, forKey: .counter) ?? .init()
        preferHRAddress = try c.decodeIfPresent(Bool.self, forKey: .preferHRAddress) ?? false
        preferHRRomanization = try c.decodeIfPresent(Bool.self, forKey: .preferHRRomanization) ?? true
        transliteration = try c.decodeIfPresent(TransliterationOptions.self, forKey: .transliteration) ?? .init()
    }

    enum CodingKeys: String, CodingKey {
        case name, when, domain, templates, counter, transliteration
        case adminAccount = "admin_account"
        case preferHRAddress = "prefer_hr_address"
        case preferHRRomanization = "prefer_hr_romanization"
    }
}

/// Every naming rule: rule sets in order (the first that matches the employee applies) and the lists
/// of addresses that are never handed out.
public struct NamingPolicy: Sendable, Hashable {
    public var ruleSets: [NamingRuleSet]
    /// Local parts never handed out, compared case-insensitively.
    public var reserved: [String]
    /// Addresses of former employees, never handed out again.
    public var neverReuse: Set<String>
    /// Separators allowed in a local part besides a-z and 0-9.
    public var separators: String

    public static let defaultReserved = [
        // RFC 2142 role mailboxes, and the administrative names mail systems and certificate authorities rely on.
        "abuse", "admin", "administrator", "ftp", "hostmaster", "info", "mailer-daemon", "marketing", "news",
        "no-reply", "noc", "noreply", "postmaster", "root", "sales", "security", "ssladmin", "support", "sysadmin",
        "usenet", "uucp", "webmaster", "www",
    ]

    public init(
        ruleSets: [NamingRuleSet], reserved: [String] = NamingPolicy.defaultReserved, neverReuse: Set<String> = [], separators: String = ".-_"
    ) {
        self.ruleSets = ruleSets
        self.reserved = reserved
        self.neverReuse = neverReuse
        self.separators = separators
    }
}
