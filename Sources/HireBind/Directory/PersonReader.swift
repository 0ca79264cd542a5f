// PersonReader: the stage before naming for id-only events: the person read from Feishu People (CoreHR).

import FeishuAPI
import Foundation
import HireBindCore
import Secrets

/// Reads the person an id-only Feishu People event named, with the app's tenant token, and turns them into the
/// event the intake takes. Feishu's reads lag its events: a person not found yet is retried, not refused.
struct PersonReader: PersonReading {
    let feishu: FeishuClient
    let tenantTokens: TenantAccessTokens
    let userIDType: String

    func read(_ job: BindJob) async -> PersonReadOutcome {
        do throws(FeishuCallError) {
            let answer = try await tenantTokens.calling { token throws(FeishuCallError) in
                try await feishu.coreHREmployees(employmentIDs: [job.employeeID], userIDType: userIDType, tenantAccessToken: token)
            }
            guard let employee = answer.value.items.first(where: { $0.employmentID == job.employeeID }) else {
                let failure = JobFailure(
                    code: "person_not_yet_readable", message: "Feishu People does not know employment \(job.employeeID) yet",
                    hint: "Its reads lag its events; hirebind reads again."
                )
                return .setback(Setback(failure: failure, errorClass: .retry))
            }
            return Self.hire(employee, job: job, userIDType: userIDType)
        } catch {
            return .setback(Setback(error))
        }
    }

    static func hire(_ employee: CoreHREmployee, job: BindJob, userIDType: String) -> PersonReadOutcome {
        func unusable(_ reason: String) -> PersonReadOutcome {
            .setback(
                Setback(
                    failure: JobFailure(code: "unusable_person", message: reason, hint: "Grant the scope, then retry the job."),
                    errorClass: .permanent))
        }
        let source = "corehr/v2/employees/batch_get (employment \(job.employeeID))"
        guard let userID = employee.userID, !userID.isEmpty else {
            return unusable(
                "user_id: CoreHR gave no \(userIDType) for employment \(job.employeeID); grant the app corehr:employee:read and the user id scope")
        }
        let name = employee.personInfo?.nameList?.first
        let family = name?.localPrimary ?? "", given = name?.localFirstName ?? ""
        let full = name?.fullName
        guard !(family.isEmpty || given.isEmpty) || !(full ?? "").isEmpty else {
            return unusable("person_info.name_list: CoreHR gave no name for employment \(job.employeeID); grant the app the name field scope")
        }
        let event = NewHireEvent(
            eventID: "\(job.eventID)#read", occurredAt: Date().formatted(.iso8601),
            employee: Employee(
                employeeID: userID, givenName: given, familyName: family, feishuUserID: userID, fullName: full,
                email: employee.workEmail.flatMap { $0.isEmpty ? nil : $0 }
            )
        )
        var provenance = ["the person was read from \(source)", "feishu_user_id (\(userIDType)) from user_id"]
        provenance.append(family.isEmpty ? "name from name_list.full_name" : "family name from name_list.local_primary, given from local_first_name")
        if event.employee.email != nil { provenance.append("address hint from work_email") }
        return .hire(event, provenance: provenance)
    }
}
