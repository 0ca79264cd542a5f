// Employee+Naming: what the naming rules read from an event's employee.

public import HireBindCore
public import MailboxNaming

extension Employee {
    /// The name as the naming rules take it.
    public var personName: PersonName {
        PersonName(
            given: givenName, family: familyName, middle: middleName, preferredGiven: preferredGivenName, fullName: fullName,
            romanizedGiven: romanizedGivenName, romanizedFamily: romanizedFamilyName, requestedAddress: email
        )
    }

    /// The attributes naming rule sets are chosen by.
    public var attributes: EmployeeAttributes {
        EmployeeAttributes(company: company, department: department, location: location, employmentType: employmentType)
    }
}
