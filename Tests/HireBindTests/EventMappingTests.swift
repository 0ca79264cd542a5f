// EventMappingTests: a source's map: pointers, transforms, event types, ids, and the errors that name a path.

import Foundation
import HireBind
import HireBindCore
import Testing
import WebhookSignature

@Suite struct EventMappingTests {
    static func mapping(_ yaml: String) throws -> EventMapping {
        let indented = yaml.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n")
        let configuration = try HireBindConfiguration.parse(
            yaml: """
                sources:
                  hr:
                    scheme: hmac
                    secrets: [{env: S}]
                    verify: {header: X-Signature}
                    map:
                \(indented)
                naming: {domain: example.com}
                feishu: {admin_account: a@example.com, user_access_token: {env: T}}
                callbacks: {secret: {env: CB}}
                """)
        return try EventMapping(try #require(configuration.sources["hr"]?.map), key: "sources.hr.map")
    }

    static func map(_ mapping: EventMapping, _ json: String, headers: [(String, String)] = []) throws -> EventMapping.Outcome {
        try mapping.map(body: Array(json.utf8), headers: HeaderLookup(headers), receivedAt: Date(timeIntervalSince1970: 1_764_662_400))
    }

    static let people = """
        event_type:
          from: /kind
          hire: [person.hired, person.rehired]
          termination: [person.left]
        employee:
          employee_id: [/person/ids/hr, /person/id]
          given_name: {from: /person/name, split: given}
          family_name: {from: /person/name, split: family}
          email: {from: [/person/emails, /person/email], transform: [first, lowercase]}
          mobile: header:X-Mobile
          company: {constant: Example Corp}
          department: {from: [/org/division, /org/team], join: " / "}
        """

    @Test func theFirstPresentPlaceWinsAndTransformsApply() throws {
        let outcome = try Self.map(
            try Self.mapping(Self.people),
            #"{"kind":"person.hired","person":{"id":4711,"name":"Mary Ann Smith","emails":["Mary.Smith@Example.com","x@y"]},"org":{"division":"Sales","team":"EMEA"}}"#,
            headers: [("X-Mobile", "+44 20 7946 0000")])
        guard case .event(let event, let origins) = outcome else { Issue.record("not an event: \(outcome)"); return }
        #expect(event.eventType == NewHireEvent.hiredType)
        #expect(event.employee.employeeID == "4711")
        #expect(event.employee.givenName == "Mary Ann" && event.employee.familyName == "Smith")
        #expect(event.employee.email == "mary.smith@example.com")
        #expect(event.employee.mobile == "+44 20 7946 0000")
        #expect(event.employee.company == "Example Corp")
        #expect(event.employee.department == "Sales / EMEA")
        // No event id in the body: a digest of it, so a re-sent body is the same event.
        #expect(event.eventID.hasPrefix("sha256:") && event.eventID.count == 7 + 64)
        #expect(event.occurredAt == "2025-12-02T08:00:00Z")
        #expect(origins.first { $0.field == "employee.employee_id" }?.from == "/person/id")
        #expect(origins.first { $0.field == "employee.mobile" }?.from == "header:X-Mobile")
        #expect(origins.first { $0.field == "employee.company" }?.from == "constant")
        #expect(origins.first { $0.field == "event_id" }?.from == "body digest")
    }

    /// `each:`: one event per item, read from the item; the digest id numbers them; one bad item refuses all, named.
    @Test func eachItemOfAListIsAnEvent() throws {
        let mapping = try Self.mapping(
            """
            each: /employees
            event_type: {from: /action, hire: [Created], termination: [Deleted]}
            employee: {employee_id: /id, given_name: /fields/firstName, family_name: /fields/lastName, email: /fields/workEmail}
            """)
        let body = Array(
            #"""
            {"employees": [
              {"id": "1", "action": "Created", "fields": {"firstName": "Maria", "lastName": "Garcia", "workEmail": "m@example.com"}},
              {"id": "2", "action": "Updated", "fields": {}},
              {"id": "3", "action": "Deleted", "fields": {}}
            ]}
            """#.utf8)
        let outcomes = try mapping.mapAll(body: body, headers: .init([]))
        #expect(outcomes.count == 3)
        guard case .event(let hire, _) = outcomes[0], case .ignored = outcomes[1], case .event(let leave, _) = outcomes[2] else {
            Issue.record("\(outcomes)")
            return
        }
        #expect(hire.employee.employeeID == "1" && hire.employee.givenName == "Maria")
        #expect(leave.eventType == NewHireEvent.terminatedType && leave.employee.employeeID == "3")
        #expect(hire.eventID.hasPrefix("sha256:") && hire.eventID.hasSuffix("#0") && leave.eventID.hasSuffix("#2"))
        let broken = Array(
            #"{"employees": [{"id": "1", "action": "Created", "fields": {"firstName": "A", "lastName": "B", "workEmail": "a@example.com"}}, {"action": "Created"}]}"#
                .utf8)
        #expect(throws: EventMapping.Failure.missing(field: "/employees/1: employee.employee_id", places: "/id")) {
            try mapping.mapAll(body: broken, headers: .init([]))
        }
        #expect(throws: EventMapping.Failure.missing(field: "each", places: "/employees (a non-empty list)")) {
            try mapping.mapAll(body: Array(#"{"employees": []}"#.utf8), headers: .init([]))
        }
    }

    @Test func unlistedEventTypesAreIgnoredAndTerminationsNeedOnlyTheId() throws {
        let mapping = try Self.mapping(Self.people)
        guard case .ignored(let reason, _) = try Self.map(mapping, #"{"kind":"person.promoted","person":{"id":"1"}}"#) else {
            Issue.record("a promotion must be ignored")
            return
        }
        #expect(reason.contains("person.promoted"))
        guard case .event(let leaver, _) = try Self.map(mapping, #"{"kind":"person.left","person":{"ids":{"hr":"E-9"}}}"#) else {
            Issue.record("a leaver must map")
            return
        }
        #expect(leaver.eventType == NewHireEvent.terminatedType && leaver.employee.employeeID == "E-9")
    }

    @Test func aMissingRequiredFieldNamesThePathsTried() throws {
        let mapping = try Self.mapping(Self.people)
        #expect(throws: EventMapping.Failure.missing(field: "employee.employee_id", places: "/person/ids/hr, /person/id")) {
            try Self.map(mapping, #"{"kind":"person.hired","person":{"name":"Ann Lee"}}"#)
        }
        #expect(throws: EventMapping.Failure.missing(field: "event_type", places: "/kind")) {
            try Self.map(mapping, #"{"person":{"id":1}}"#)
        }
        // A one-word name has no given part: the 422 names where the given name was looked for.
        #expect(throws: EventMapping.Failure.missing(field: "employee.given_name", places: "/person/name")) {
            try Self.map(mapping, #"{"kind":"person.hired","person":{"id":1,"name":"Madonna","email":"m@example.com"}}"#)
        }
        #expect(throws: EventMapping.Failure.notJSON) { try Self.map(mapping, "Ping test") }
    }

    @Test func pointersFollowRFC6901() throws {
        let document = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"a/b":{"m~n":[10,{"":"empty"}]},"01":1}"#.utf8))
        #expect(try JSONPointer("/a~1b/m~0n/0").resolve(in: document) == .number(10))
        #expect(try JSONPointer("/a~1b/m~0n/1/").resolve(in: document) == .string("empty"))
        #expect(try JSONPointer("/a~1b/m~0n/01").resolve(in: document) == nil)
        #expect(try JSONPointer("/01").resolve(in: document) == .number(1))
        #expect(try JSONPointer("").resolve(in: document) == document)
        #expect(throws: JSONPointerError.self) { try JSONPointer("a/b") }
        #expect(throws: JSONPointerError.self) { try JSONPointer("/a~2") }
        #expect(JSONValue.number(12345).scalarText == "12345")
    }

    /// hirebind's own body is just the default mapping: this map of it gives the event the decoder gives.
    @Test func theNativeBodyIsTheDefaultMapping() throws {
        let mapping = try Self.mapping(
            """
            event_id: /event_id
            event_type: {from: /event_type, hire: [employee.hired], termination: [employee.terminated]}
            occurred_at: /occurred_at
            callback_url: /callback_url
            employee:
            \(EmployeeMapping.names.map { "  \($0): /employee/\($0)" }.joined(separator: "\n"))
            """)
        let body = try JSONSerialization.data(
            withJSONObject: [
                "event_id": "evt-1", "event_type": "employee.hired", "occurred_at": "2026-11-25T09:00:00Z",
                "callback_url": "https://hr.example.com/cb",
                "employee": [
                    "employee_id": "E-1", "given_name": "伟", "family_name": "张", "feishu_user_id": "ou_1", "email": "wei@example.com",
                    "romanized_given_name": "Wei", "department": "R&D", "location": "Shanghai",
                ],
            ])
        guard case .event(let mapped, _) = try mapping.map(body: Array(body), headers: HeaderLookup([])) else {
            Issue.record("the native body must map")
            return
        }
        #expect(mapped == (try NewHireEvent.decode(from: body)))
    }

    @Test func badMapsAreRefusedAtStartWithTheirKey() {
        func key(_ yaml: String) -> String? {
            do {
                _ = try Self.mapping(yaml)
                return nil
            } catch let error as ConfigurationError {
                return error.key
            } catch {
                return "\(error)"
            }
        }
        #expect(key("employee: {given_name: /name}") == "sources.hr.map.employee.employee_id")
        #expect(key("employee: {employee_id: id}") == "sources.hr.map.employee.employee_id")
        #expect(key("employee: {employee_id: /id, shoe_size: /s}") == "sources.hr.map.employee.shoe_size")
        #expect(key("event_type: {from: /t}\nemployee: {employee_id: /id}") == "sources.hr.map.event_type")
        #expect(key("employee: {employee_id: {transform: lowercase}}") == "sources.hr.map.employee.employee_id")
    }
}
