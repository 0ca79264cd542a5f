// NewHireEventTests: the event body's decoding and validation.

import Foundation
import HireBindCore
import Testing

@Suite struct NewHireEventTests {
    static var valid: [String: Any] {
        [
            "event_id": "evt-1",
            "event_type": "employee.hired",
            "occurred_at": "2026-11-25T09:00:00Z",
            "employee": ["employee_id": "E1", "given_name": "伟", "family_name": "张", "feishu_user_id": "ou_1", "department": "R&D"],
            "callback_url": "https://hr.example.com/callbacks/hirebind",
        ]
    }

    func decode(_ object: [String: Any]) throws -> NewHireEvent {
        try NewHireEvent.decode(from: try JSONSerialization.data(withJSONObject: object))
    }

    func changing(_ path: [String], to value: Any?) -> [String: Any] {
        var object = Self.valid
        if path.count == 1 {
            object[path[0]] = value
        } else {
            var inner = object[path[0]] as! [String: Any]
            inner[path[1]] = value
            object[path[0]] = inner
        }
        return object
    }

    @Test func validEventDecodes() throws {
        let event = try decode(Self.valid)
        #expect(event.eventID == "evt-1")
        #expect(event.employee.familyName == "张")
        #expect(event.employee.department == "R&D")
        #expect(event.callbackURL == "https://hr.example.com/callbacks/hirebind")
    }

    @Test(arguments: [
        (["event_id"], nil as String?, "event_id"),
        (["event_type"], "employee.fired", "event_type"),
        (["occurred_at"], "yesterday", "occurred_at"),
        (["employee", "employee_id"], nil, "employee.employee_id"),
        (["employee", "given_name"], "", "employee.given_name"),
        (["employee", "family_name"], nil, "employee.family_name"),
        (["employee", "feishu_user_id"], "   ", "employee.feishu_user_id"),
        (["callback_url"], "ftp://files.example.com/x", "callback_url"),
        (["callback_url"], "not a url", "callback_url"),
    ])
    func badFieldIsNamed(path: [String], value: String?, field: String) throws {
        let error = try #require(throws: EventValidationError.self) { try decode(changing(path, to: value)) }
        #expect(error.field == field)
    }

    @Test func wrongTypeIsNamed() throws {
        let error = try #require(throws: EventValidationError.self) { try decode(changing(["employee", "employee_id"], to: 42)) }
        #expect(error.field == "employee.employee_id")
        #expect(error.problem == "must be a string")
    }

    @Test func missingEmployeeIsNamed() throws {
        let error = try #require(throws: EventValidationError.self) { try decode(changing(["employee"], to: nil)) }
        #expect(error.field == "employee")
    }

    @Test func notJSONIsNotAValidationError() {
        #expect(throws: DecodingError.self) { try NewHireEvent.decode(from: Data("not json".utf8)) }
        #expect(throws: DecodingError.self) { try NewHireEvent.decode(from: Data([0xff, 0xfe, 0x00])) }
    }

    @Test func arrayBodyIsASchemaError() throws {
        let error = try #require(throws: EventValidationError.self) { try NewHireEvent.decode(from: Data("[1,2]".utf8)) }
        #expect(error.field == "body")
    }

    @Test func overlongIdentifierIsRefused() throws {
        let error = try #require(throws: EventValidationError.self) { try decode(changing(["event_id"], to: String(repeating: "x", count: 257))) }
        #expect(error.field == "event_id")
    }
}
