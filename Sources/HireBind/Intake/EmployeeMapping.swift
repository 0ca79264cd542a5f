// EmployeeMapping: the employee fields of a `map:` (or a `fetch.map:`), compiled, and read out of a JSON document.

import Foundation
public import HireBindCore
import WebhookSignature

/// One mapped field, compiled: its places parsed once, at start-up.
struct MappedField: Sendable {
    enum Place: Sendable {
        case pointer(JSONPointer)
        case header(String)
    }

    let places: [Place]
    let settings: FieldMapping

    /// Nil for an absent mapping; errors name `key`.
    init?(_ field: FieldMapping?, key: String) throws(ConfigurationError) {
        guard let field else { return nil }
        var places: [Place] = []
        for place in field.from {
            if place.hasPrefix("header:") {
                let header = String(place.dropFirst(7)).trimmingCharacters(in: .whitespaces)
                guard !header.isEmpty else { throw ConfigurationError(key: key, "'header:' names no header") }
                places.append(.header(header))
            } else {
                do {
                    places.append(.pointer(try JSONPointer(place)))
                } catch {
                    throw ConfigurationError(key: key, "\(error); write a JSON Pointer such as /employee/id, or header:NAME")
                }
            }
        }
        guard !places.isEmpty || field.constant != nil else {
            throw ConfigurationError(key: key, "say where the value is (from: a JSON Pointer or header:NAME) or give a constant")
        }
        self.places = places
        self.settings = field
    }

    var placesText: String {
        let names = places.map { place in
            switch place {
            case .pointer(let pointer): pointer.description
            case .header(let header): "header:\(header)"
            }
        }
        return names.isEmpty ? "(constant)" : names.joined(separator: ", ")
    }

    /// The field's value and the place it came from, or nil and nil.
    func value(in document: JSONValue, headers: HeaderLookup) -> (String?, String?) {
        var found: [(String, String)] = []
        for place in places {
            let raw: JSONValue?
            let name: String
            switch place {
            case .pointer(let pointer):
                raw = pointer.resolve(in: document)
                name = pointer.description.isEmpty ? "(the whole body)" : pointer.description
            case .header(let header):
                raw = headers.values(header).first.map(JSONValue.string)
                name = "header:\(header)"
            }
            guard var value = raw else { continue }
            if settings.transform.contains(.first), case .array(let items) = value {
                guard let first = items.first else { continue }
                value = first
            }
            guard let text = value.scalarText, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { continue }
            found.append((text, name))
            if settings.join == nil { break }
        }
        var text: String
        var from: String
        if found.isEmpty {
            guard let constant = settings.constant else { return (nil, nil) }
            (text, from) = (constant, "constant")
        } else if let separator = settings.join {
            text = found.map(\.0).joined(separator: separator)
            from = found.map(\.1).joined(separator: " + ")
        } else {
            (text, from) = found[0]
        }
        if let part = settings.split {
            let words = text.split(whereSeparator: \.isWhitespace)
            text =
                switch part {
                case .family: words.last.map(String.init) ?? ""
                case .given: words.count > 1 ? words.dropLast().joined(separator: " ") : ""
                }
            from += " (split: \(part.rawValue))"
        }
        for transform in settings.transform {
            switch transform {
            case .first: break
            case .lowercase: text = text.lowercased()
            case .trim: text = text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        return text.isEmpty ? (nil, nil) : (text, from)
    }
}

/// The employee fields a mapping fills, compiled: a webhook's `map.employee`, or the `fetch.map` read from the
/// HR system's answer about one person.
public struct EmployeeMapping: Sendable {
    let fields: [(name: String, field: MappedField)]

    /// The employee fields a mapping may fill, in the order `hirebind map` shows them.
    public static let names = [
        "employee_id", "given_name", "family_name", "full_name", "middle_name", "preferred_given_name", "romanized_given_name",
        "romanized_family_name", "feishu_user_id", "email", "mobile", "department", "company", "location", "employment_type",
    ]

    /// Errors name the key at fault under `key` (`sources.hr.map.employee`).
    init(_ settings: [String: FieldMapping], key: String, requiresID: Bool) throws(ConfigurationError) {
        var fields: [(name: String, field: MappedField)] = []
        for (name, field) in settings.sorted(by: { $0.key < $1.key }) {
            guard Self.names.contains(name) else {
                throw ConfigurationError(key: "\(key).\(name)", "not an employee field; use \(Self.names.joined(separator: ", "))")
            }
            if let compiled = try MappedField(field, key: "\(key).\(name)") { fields.append((name, compiled)) }
        }
        if requiresID, !fields.contains(where: { $0.name == "employee_id" }) {
            throw ConfigurationError(key: "\(key).employee_id", "required: the sender's id for the person")
        }
        self.fields = fields
    }

    /// The places a field is read from, for messages.
    func places(of name: String) -> String? { fields.first { $0.name == name }?.field.placesText }

    /// Every mapped field present in `document`; each field tried is added to `origins` as `employee.NAME`.
    func values(in document: JSONValue, headers: HeaderLookup, origins: inout [EventMapping.Origin]) -> [String: String] {
        var values: [String: String] = [:]
        for (name, field) in fields {
            let (value, from) = field.value(in: document, headers: headers)
            origins.append(EventMapping.Origin(field: "employee.\(name)", value: value, from: from ?? "none of \(field.placesText)"))
            if let value { values[name] = value }
        }
        return values
    }

    /// The employee the values describe.
    static func employee(_ values: [String: String], id: String) -> Employee {
        Employee(
            employeeID: id, givenName: values["given_name"] ?? "", familyName: values["family_name"] ?? "",
            feishuUserID: values["feishu_user_id"], mobile: values["mobile"], middleName: values["middle_name"],
            preferredGivenName: values["preferred_given_name"], fullName: values["full_name"],
            romanizedGivenName: values["romanized_given_name"], romanizedFamilyName: values["romanized_family_name"],
            email: values["email"], department: values["department"], company: values["company"], location: values["location"],
            employmentType: values["employment_type"])
    }
}
