// DirectoryEventMapping: a contact v3 directory event as hirebind's own event: who, their name, ids and attributes.

import FeishuAPI
import Foundation
import HireBindCore

/// Turns a directory event into the event the intake takes. The person's `open_id` is their employee id for
/// this source (every directory event carries it, the deletion too), so a deletion finds the binding its
/// creation made.
struct DirectoryEventMapping: Sendable {
    /// `feishu.user_id_type`: which of the person's ids the binding is made for.
    let userIDType: String
    /// `email` or `enterprise_email`: where the HR address hint is read from.
    let addressField: String

    /// Why a directory event cannot become a job; the message names the field and, where a missing field scope
    /// is the cause, the scope.
    struct Unusable: Error, CustomStringConvertible {
        var description: String
    }

    func hire(_ user: DirectoryUser, eventID: String, createTime: String?) throws(Unusable) -> NewHireEvent {
        guard let openID = user.openID, !openID.isEmpty else {
            throw Unusable(description: "event.object.open_id: missing; the app needs contact:user.base:readonly")
        }
        guard let userID = user.id(ofType: userIDType), !userID.isEmpty else {
            let scope = DirectoryUser.idScopes[userIDType] ?? "contact:user.base:readonly"
            throw Unusable(description: "event.object.\(userIDType): missing (feishu.user_id_type is \(userIDType)); grant the app \(scope)")
        }
        guard let name = user.name?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            throw Unusable(description: "event.object.name: missing; the app needs contact:user.base:readonly")
        }
        // en_name is the person's own romanisation: used as such where the rule set prefers HR's romanisation.
        let english = user.enName?.split(separator: " ").map(String.init) ?? []
        let address = addressField == "enterprise_email" ? user.enterpriseEmail : user.email
        let employee = Employee(
            employeeID: openID, givenName: "", familyName: "", feishuUserID: userID, mobile: user.mobile, fullName: name,
            romanizedGivenName: english.count >= 2 ? english.dropLast().joined(separator: " ") : nil,
            romanizedFamilyName: english.count >= 2 ? english.last : nil,
            email: address.flatMap { $0.isEmpty ? nil : $0 }, department: user.departmentIDs?.first,
            location: user.city, employmentType: user.employeeType.flatMap { DirectoryUser.employeeTypes[$0] }
        )
        return NewHireEvent(eventID: eventID, eventType: NewHireEvent.hiredType, occurredAt: Self.timestamp(createTime), employee: employee)
    }

    func departure(_ user: DirectoryUser, eventID: String, createTime: String?) throws(Unusable) -> NewHireEvent {
        guard let openID = user.openID, !openID.isEmpty else {
            throw Unusable(description: "event.object.open_id: missing; the app needs contact:user.base:readonly")
        }
        return NewHireEvent(
            eventID: eventID, eventType: NewHireEvent.terminatedType, occurredAt: Self.timestamp(createTime),
            employee: Employee(employeeID: openID, givenName: "", familyName: "", feishuUserID: nil)
        )
    }

    /// `create_time` (milliseconds, a string) as RFC 3339; now when absent.
    static func timestamp(_ milliseconds: String?) -> String {
        let date = milliseconds.flatMap(Double.init).map { Date(timeIntervalSince1970: $0 / 1000) } ?? Date()
        return date.formatted(.iso8601)
    }
}
