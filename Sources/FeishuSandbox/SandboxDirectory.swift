// SandboxDirectory: the sandbox tenant's directory of people added at run time, and the routes that change it.

public import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A person in the sandbox directory, with the fields `contact.user.*_v3` events carry.
public struct DirectoryPerson: Sendable, Codable, Hashable {
    public var openID: String?
    public var unionID: String?
    public var userID: String?
    public var name: String
    public var enName: String?
    public var email: String?
    public var enterpriseEmail: String?
    public var mobile: String?
    public var departmentIDs: [String]?
    public var employeeType: Int?
    public var city: String?
    public var country: String?

    public init(
        name: String, enName: String? = nil, email: String? = nil, departmentIDs: [String]? = nil, employeeType: Int? = 1, city: String? = nil
    ) {
        self.name = name
        self.enName = enName
        self.email = email
        self.departmentIDs = departmentIDs
        self.employeeType = employeeType
        self.city = city
    }

    enum CodingKeys: String, CodingKey {
        case name, email, mobile, city, country
        case openID = "open_id"
        case unionID = "union_id"
        case userID = "user_id"
        case enName = "en_name"
        case enterpriseEmail = "enterprise_email"
        case departmentIDs = "department_ids"
        case employeeType = "employee_type"
    }
}

/// The people added to the sandbox directory while it runs.
public actor SandboxDirectory {
    private var people: [String: DirectoryPerson] = [:]

    public init() {}

    /// Adds a person, giving them the ids they lack.
    func add(_ person: DirectoryPerson) -> DirectoryPerson {
        var person = person
        let suffix = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        person.openID = person.openID ?? "ou_\(suffix)"
        person.unionID = person.unionID ?? "on_\(suffix)"
        person.userID = person.userID ?? "u\(suffix.prefix(8))"
        people[person.openID!] = person
        return person
    }

    func remove(openID: String) -> DirectoryPerson? {
        people.removeValue(forKey: openID)
    }

    public func all() -> [DirectoryPerson] {
        people.values.sorted { ($0.openID ?? "") < ($1.openID ?? "") }
    }
}

extension FeishuSandbox {
    /// Not Feishu's: the console actions that change the directory (and so send events), and the subscription.
    func addDirectoryRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.post("/sandbox/users") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: Self.maximumBodyBytes)
            guard let person = try? JSONDecoder().decode(DirectoryPerson.self, from: Data(body.readableBytesView)) else {
                return Self.json(.badRequest, ["error": "send a person: {\"name\": \"张伟\", \"email\": …, \"department_ids\": […]}"])
            }
            let added = await self.directory.add(person)
            let eventID = await self.events.publish("contact.user.created_v3", eventJSON: try JSONEncoder().encode(["object": added]))
            return Self.json(.ok, ["open_id": added.openID ?? "", "user_id": added.userID ?? "", "event_id": eventID])
        }
        router.delete("/sandbox/users/:open_id") { _, context in
            let openID = context.parameters.get("open_id") ?? ""
            guard let removed = await self.directory.remove(openID: openID) else {
                return Self.json(.notFound, ["error": "no person \(openID) in the sandbox directory"])
            }
            let eventID = await self.events.publish("contact.user.deleted_v3", eventJSON: try JSONEncoder().encode(["object": removed]))
            return Self.json(.ok, ["open_id": openID, "event_id": eventID])
        }
        router.post("/sandbox/events/subscription") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: Self.maximumBodyBytes)
            let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
            guard let url = object["request_url"] as? String, let token = object["verification_token"] as? String else {
                return Self.json(.badRequest, ["error": "send request_url and verification_token (and encrypt_key, retry_delays)"])
            }
            let delays = (object["retry_delays"] as? [Double]) ?? SandboxEventSubscription.feishuRetryDelays
            await self.events.subscribe(
                SandboxEventSubscription(requestURL: url, verificationToken: token, encryptKey: object["encrypt_key"] as? String, retryDelays: delays)
            )
            let (status, answer) = await self.events.verifyRequestURL()
            let challenge = (try? JSONSerialization.jsonObject(with: answer)) ?? [:]
            return Self.json(.ok, ["verification_status": status ?? 0, "verification_answer": challenge])
        }
        router.get("/sandbox/events") { _, _ in
            let deliveries = await self.events.deliveries.map { delivery -> [String: Any] in
                ["event_id": delivery.eventID, "event_type": delivery.eventType, "attempt": delivery.attempt, "status": delivery.status ?? 0]
            }
            return Self.json(.ok, ["deliveries": deliveries])
        }
    }
}
