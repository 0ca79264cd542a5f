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

    public init() {}

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
