import Foundation

/// A request as the sandbox received it, for tests and the dry-run log.
public struct RecordedRequest: Sendable, Hashable {
    public var method: String
    public var path: String
    /// The raw query string, without `?`.
    public var query: String
    public var headers: [String: String]
    public var body: [UInt8]

    public func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }
}

/// A binding held by the sandbox tenant.
public struct SandboxBinding: Sendable, Hashable {
    public var id: String
    public var adminAccount: String
    public var exchangeAccount: String
    public var userID: String
    public var createdAt: Date
    /// How many create calls named this binding.
    public var createCalls: Int
}

/// The sandbox tenant's bindings and the requests it received.
public actor SandboxState {
    private(set) var bindings: [String: SandboxBinding] = [:]
    private(set) var requests: [RecordedRequest] = []
    private var faults: [SandboxFault] = []
    /// Start times of the create calls admitted in the last minute, oldest first.
    private var admitted: [ContinuousClock.Instant] = []
    private var admittedTimes: [Date] = []
    /// Create calls refused for the rate limit.
    public private(set) var rateLimitedCalls = 0

    public init() {}

    /// Admits a call unless one of `limits` (calls per sliding window) is full; otherwise the seconds until it is not.
    func admit(limits: [(calls: Int, window: Duration)], now: ContinuousClock.Instant = .now) -> Double? {
        let longest = limits.map(\.window).max() ?? .zero
        while let first = admitted.first, now - first >= longest { admitted.removeFirst() }
        for limit in limits {
            let inWindow = admitted.reversed().prefix { now - $0 < limit.window }
            if inWindow.count >= limit.calls, let oldest = inWindow.last {
                rateLimitedCalls += 1
                let wait = limit.window - (now - oldest)
                return Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
            }
        }
        admitted.append(now)
        admittedTimes.append(Date())
        return nil
    }

    /// When the admitted create calls happened, oldest first (for the backfill benchmark).
    public func admittedCallTimes() -> [Date] {
        admittedTimes
    }

    /// The next create calls answer with these faults, one each, in order.
    public func inject(_ faults: [SandboxFault]) {
        self.faults.append(contentsOf: faults)
    }

    func nextFault() -> SandboxFault? {
        faults.isEmpty ? nil : faults.removeFirst()
    }

    public func record(_ request: RecordedRequest) {
        requests.append(request)
    }

    /// Every request received so far, oldest first.
    public func receivedRequests() -> [RecordedRequest] {
        requests
    }

    public func allBindings() -> [SandboxBinding] {
        bindings.values.sorted { $0.createdAt < $1.createdAt }
    }

    public func binding(id: String) -> SandboxBinding? {
        bindings[id]
    }

    /// Creates the binding, or counts another create of the same one.
    func bind(id: String, adminAccount: String, exchangeAccount: String, userID: String, now: Date) -> SandboxBinding {
        if var existing = bindings[id] {
            existing.createCalls += 1
            existing.userID = userID
            bindings[id] = existing
            return existing
        }
        let binding = SandboxBinding(id: id, adminAccount: adminAccount, exchangeAccount: exchangeAccount, userID: userID, createdAt: now, createCalls: 1)
        bindings[id] = binding
        return binding
    }
}
