// SandboxCoreHR: Feishu People (CoreHR) in the sandbox: employees whose reads lag their new-hire events.

import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A Feishu People employee in the sandbox.
struct CoreHRPerson: Sendable {
    var employmentID: String
    var openID: String
    var family: String
    var given: String
    var email: String?
    /// Reads that still miss the person (the platform's reads lag its events).
    var lagReads: Int
}

/// The sandbox's Feishu People employees.
actor SandboxCoreHR {
    private var people: [String: CoreHRPerson] = [:]

    func add(_ person: CoreHRPerson) {
        people[person.employmentID] = person
    }

    /// The people a read finds: a lagging person is missed (and lags one read less).
    func read(_ employmentIDs: [String]) -> [CoreHRPerson] {
        var found: [CoreHRPerson] = []
        for id in employmentIDs {
            guard var person = people[id] else { continue }
            if person.lagReads > 0 {
                person.lagReads -= 1
                people[id] = person
                continue
            }
            found.append(person)
        }
        return found
    }
}

extension FeishuSandbox {
    static let coreHREmployeesPath = "/open-apis/corehr/v2/employees/batch_get"

    func addCoreHRRoutes<Context: RequestContext>(to router: Router<Context>) {
        // Not Feishu's: HR hires someone in Feishu People; the id-only event goes to the subscription.
        router.post("/sandbox/corehr/employees") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: Self.maximumBodyBytes)
            let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
            guard let family = object["family"] as? String, let given = object["given"] as? String else {
                return Self.json(.badRequest, ["error": "send family and given (and email, lag_reads)"])
            }
            let suffix = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
            let person = CoreHRPerson(
                employmentID: "emp_\(suffix)", openID: "ou_hr_\(suffix)", family: family, given: given, email: object["email"] as? String,
                lagReads: object["lag_reads"] as? Int ?? 0
            )
            await self.coreHR.add(person)
            let event = ["employment_id": person.employmentID, "event_type": 1, "sub_event_type": 1001] as [String: Any]
            let eventID = await self.events.publish("corehr.employee.domain_event_v2", eventJSON: try JSONSerialization.data(withJSONObject: event))
            return Self.json(.ok, ["employment_id": person.employmentID, "open_id": person.openID, "event_id": eventID])
        }
        router.post(RouterPath(stringLiteral: Self.coreHREmployeesPath)) { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: Self.maximumBodyBytes)
            if let refusal = await self.directoryReadRefusal(request, method: "corehr.employees.batch_get") { return refusal }
            let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
            guard let ids = object["employment_ids"] as? [String], (1...100).contains(ids.count) else {
                return Self.error(.badRequest, code: 1_161_001, msg: "employment_ids: 1 to 100 ids")
            }
            let items = await self.coreHR.read(ids).map { person -> [String: Any] in
                var item: [String: Any] = [
                    "employment_id": person.employmentID, "user_id": person.openID,
                    "person_info": [
                        "name_list": [["local_primary": person.family, "local_first_name": person.given, "full_name": person.family + person.given]]
                    ],
                ]
                if let email = person.email { item["work_email"] = email }
                return item
            }
            return Self.json(.ok, ["code": 0, "msg": "success", "data": ["items": items]])
        }
    }
}
