// FormEncoding: application/x-www-form-urlencoded bodies, with every byte outside the unreserved set escaped.

import Foundation

/// `application/x-www-form-urlencoded`, strict: everything but RFC 3986's unreserved characters is escaped, so
/// `+`, `&` and `=` inside a value cannot change the form.
public enum FormEncoding {
    public static func encoded(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }

    public static func form(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(encoded($0.0))=\(encoded($0.1))" }.joined(separator: "&")
    }

    static let unreserved: CharacterSet = {
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "-._~")
        return allowed
    }()
}
