// SigningSecret: HMAC key material that never prints.

import Foundation

/// Key material for HMAC signatures. Its description never shows the key.
public struct SigningSecret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The raw HMAC key.
    public let key: [UInt8]

    public init(key: [UInt8]) {
        self.key = key
    }

    /// A Standard Webhooks secret: `whsec_` followed by base64 (the prefix is optional).
    public init(standardWebhooks text: String) throws(SigningSecretError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let encoded = trimmed.hasPrefix("whsec_") ? String(trimmed.dropFirst(6)) : trimmed
        guard let data = Data(base64Encoded: encoded), !data.isEmpty else {
            throw SigningSecretError(message: "a Standard Webhooks secret must be 'whsec_' followed by non-empty base64")
        }
        self.key = Array(data)
    }

    /// A secret used as its UTF-8 bytes (GitHub-style and hex schemes).
    public init(utf8 text: String) throws(SigningSecretError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw SigningSecretError(message: "the secret is empty") }
        self.key = Array(trimmed.utf8)
    }

    /// Renders the secret as a `whsec_` string, for handing it to a sender.
    public var standardWebhooksText: String {
        "whsec_" + Data(key).base64EncodedString()
    }

    public var description: String { "SigningSecret(redacted)" }
    public var debugDescription: String { description }
}

/// A secret that cannot be used, with a reason that never contains the secret.
public struct SigningSecretError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
