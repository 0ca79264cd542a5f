// SourceVerifier: one source's proof check: its allow-list, then its signature scheme under its active secrets.

public import Foundation
public import WebhookSignature

/// Checks that a request comes from a source's sender: its address is on the source's allow-list (when it has
/// one) and its signature, token or credentials verify under one of the source's active secrets. The webhook
/// route and `hirebind map` share it, so the offline check gives the verdict the service would.
public struct SourceVerifier: Sendable {
    public let scheme: any WebhookSignatureScheme
    public let secrets: [SigningSecret]
    public let allowList: ClientAllowList

    public init(scheme: any WebhookSignatureScheme, secrets: [SigningSecret], allowList: ClientAllowList = try! ClientAllowList([])) {
        self.scheme = scheme
        self.secrets = secrets
        self.allowList = allowList
    }

    /// The verifier of an HMAC, token or Basic source; nil for `feishu-events`, which has a receiver of its own.
    public init?(source name: String, settings: SourceSettings, secrets: [SigningSecret]) throws(ConfigurationError) {
        guard let scheme = try settings.signatureScheme(source: name) else { return nil }
        self.init(scheme: scheme, secrets: secrets, allowList: try settings.clientAllowList(source: name))
    }

    /// Why a request was not accepted.
    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        /// The client's address is not on the allow-list.
        case addressNotAllowed(String)
        case signature(SignatureFailure)

        public var description: String {
            switch self {
            case .addressNotAllowed(let address): "requests from \(address) are not accepted for this source"
            case .signature(let failure): "\(failure)"
            }
        }
    }

    /// Accepts the request, or says why not. `clientAddress` nil skips the allow-list (an offline check).
    public func verify(
        headers: HeaderLookup, body: [UInt8], clientAddress: String?, now: UnixTime = Int64(Date().timeIntervalSince1970)
    )
        throws(Refusal)
    {
        if let clientAddress, !allowList.allows(clientAddress) { throw .addressNotAllowed(clientAddress) }
        do {
            try scheme.verify(headers: headers, body: body, secrets: secrets, now: now)
        } catch {
            throw .signature(error)
        }
    }
}
