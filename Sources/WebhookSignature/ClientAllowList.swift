// ClientAllowList: the networks a source's requests may come from (IPv4 and IPv6 CIDR blocks).

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The networks a source accepts requests from, checked in addition to its signature: `10.0.0.0/8`,
/// `2001:db8::/32`, or a single address. An empty list allows every address.
public struct ClientAllowList: Sendable, Equatable, CustomStringConvertible {
    /// One network: its address bytes (4 or 16) and prefix length.
    public struct Network: Sendable, Equatable, CustomStringConvertible {
        public let bytes: [UInt8]
        public let prefixLength: Int
        public let description: String

        /// Parses `address` or `address/prefix`.
        public init(_ text: String) throws(ClientAllowListError) {
            let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 1 || parts.count == 2, let bytes = ClientAllowList.addressBytes(String(parts[0])) else {
                throw ClientAllowListError(message: "'\(text)' is not an IP address or a CIDR block such as 10.0.0.0/8")
            }
            let maximum = bytes.count * 8
            let length = parts.count == 2 ? Int(parts[1]) : maximum
            guard let length, (0...maximum).contains(length) else {
                throw ClientAllowListError(message: "'\(text)': the prefix length must be 0–\(maximum)")
            }
            self.bytes = bytes
            self.prefixLength = length
            self.description = text
        }

        public func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            var remaining = prefixLength
            for index in 0..<bytes.count where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                guard address[index] & mask == bytes[index] & mask else { return false }
                remaining -= bits
            }
            return true
        }
    }

    public let networks: [Network]

    public init(_ entries: [String]) throws(ClientAllowListError) {
        var networks: [Network] = []
        for entry in entries { networks.append(try Network(entry)) }
        self.networks = networks
    }

    /// Whether `address` (as the socket reports it) may send; an address that does not parse is refused.
    public func allows(_ address: String) -> Bool {
        guard !networks.isEmpty else { return true }
        guard let bytes = Self.addressBytes(address) else { return false }
        // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d.
        if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            let mapped = Array(bytes[12...])
            if networks.contains(where: { $0.contains(mapped) }) { return true }
        }
        return networks.contains { $0.contains(bytes) }
    }

    public var description: String { networks.map(\.description).joined(separator: ", ") }

    /// The 4 or 16 bytes of an IPv4 or IPv6 address, by the C library's `inet_pton`.
    static func addressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}

/// An allow-list entry that is not an address or network.
public struct ClientAllowListError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
