// SignatureFailure: why a signature was refused, in words that never show a secret.

/// Why a webhook's signature was not accepted. Messages name headers, never secrets or expected values.
public enum SignatureFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case missingHeader(String)
    case repeatedHeader(String)
    case malformedHeader(String, reason: String)
    case timestampOutsideTolerance(skewSeconds: Int64, toleranceSeconds: Int64)
    case noMatchingSignature
    /// A token or Basic credentials that match none configured.
    case wrongCredentials

    public var description: String {
        switch self {
        case .missingHeader(let name):
            "the '\(name)' header is missing"
        case .repeatedHeader(let name):
            "the '\(name)' header appears more than once"
        case .malformedHeader(let name, let reason):
            "the '\(name)' header is malformed: \(reason)"
        case .timestampOutsideTolerance(let skew, let tolerance):
            "the timestamp is \(skew) s away from now, outside the ±\(tolerance) s replay window"
        case .noMatchingSignature:
            "no signature matches the body under any active secret"
        case .wrongCredentials:
            "the credentials match none of the source's active tokens or passwords"
        }
    }
}
