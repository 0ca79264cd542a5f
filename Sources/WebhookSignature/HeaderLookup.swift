// HeaderLookup: a case-insensitive view of request headers, independent of any HTTP library.

/// Case-insensitive view of a request's header fields, independent of any HTTP library.
public struct HeaderLookup: Sendable {
    private let fields: [(name: String, value: String)]

    public init(_ fields: [(name: String, value: String)]) {
        self.fields = fields.map { (name: $0.name.lowercased(), value: $0.value) }
    }

    /// Every value of the header `name`.
    public func values(_ name: String) -> [String] {
        let key = name.lowercased()
        return fields.filter { $0.name == key }.map(\.value)
    }

    /// The single value of a header that must appear exactly once.
    public func single(_ name: String) throws(SignatureFailure) -> String {
        let found = values(name)
        guard let first = found.first else { throw .missingHeader(name) }
        guard found.count == 1 else { throw .repeatedHeader(name) }
        return first
    }
}
