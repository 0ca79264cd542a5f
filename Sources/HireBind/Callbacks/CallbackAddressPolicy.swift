// CallbackAddressPolicy: where callbacks may go: allowed hosts, and never internal addresses unless allowed.

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where results may be posted: hosts on an allow-list, and, unless explicitly allowed, never a loopback,
/// link-local, private or otherwise internal address. The name is checked at intake; the addresses it
/// resolves to are checked again right before each delivery.
public struct CallbackAddressPolicy: Sendable {
    /// Host names or patterns (`hr.example.com`, `*.example.com`); the default callback URL's host is always allowed.
    let allowedHosts: [String]
    let allowPrivateAddresses: Bool

    /// The policy `callbacks:` describes.
    public init(_ settings: CallbackSettings) {
        self.init(allowedHosts: settings.allowedHosts, defaultURL: settings.defaultURL, allowPrivateAddresses: settings.allowPrivateAddresses)
    }

    public init(allowedHosts: [String], defaultURL: String?, allowPrivateAddresses: Bool) {
        var hosts = allowedHosts.map { $0.lowercased() }
        if let host = defaultURL.flatMap(URL.init(string:))?.host?.lowercased() { hosts.append(host) }
        self.allowedHosts = hosts
        self.allowPrivateAddresses = allowPrivateAddresses
    }

    /// Nil when the URL's host is on the allow-list; otherwise why not.
    public func refusal(ofURL text: String) -> String? {
        guard let url = URL(string: text), let host = url.host?.lowercased(), !host.isEmpty else {
            return "callback_url has no host"
        }
        let allowed = allowedHosts.contains { pattern in
            if pattern.hasPrefix("*.") { return host.hasSuffix(String(pattern.dropFirst(1))) }
            return host == pattern
        }
        return allowed ? nil : "callback_url's host \(host) is not in callbacks.allowed_hosts"
    }

    /// Why a delivery may not go ahead; `permanent` when retrying cannot help.
    public struct Refusal: Sendable, Equatable {
        public var problem: String
        public var permanent: Bool
    }

    /// Resolves the URL's host and refuses it when any address is internal (unless allowed); a name that does
    /// not resolve now is refused for this attempt only.
    public func refusal(ofResolved text: String) async -> Refusal? {
        if let problem = refusal(ofURL: text) { return Refusal(problem: problem, permanent: true) }
        guard !allowPrivateAddresses else { return nil }
        guard let host = URL(string: text)?.host else { return Refusal(problem: "callback_url has no host", permanent: true) }
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        let addresses = await Self.resolve(bare)
        guard !addresses.isEmpty else { return Refusal(problem: "callback host \(host) does not resolve", permanent: false) }
        if let inside = addresses.first(where: Self.isInternal) {
            return Refusal(
                problem: "callback host \(host) resolves to \(inside), an internal address (set callbacks.allow_private_addresses to allow it)",
                permanent: true
            )
        }
        return nil
    }

    /// Numeric addresses of `host` (a name or a literal), IPv4 and IPv6.
    static func resolve(_ host: String) async -> [String] {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var hints = addrinfo()
                hints.ai_family = AF_UNSPEC
                hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
                var list: UnsafeMutablePointer<addrinfo>?
                guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else {
                    continuation.resume(returning: [])
                    return
                }
                defer { freeaddrinfo(first) }
                var addresses: [String] = []
                var entry: UnsafeMutablePointer<addrinfo>? = first
                while let current = entry {
                    var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
                    if getnameinfo(current.pointee.ai_addr, current.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0
                    {
                        addresses.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
                    }
                    entry = current.pointee.ai_next
                }
                continuation.resume(returning: addresses)
            }
        }
    }

    /// Loopback, private, link-local, carrier-grade NAT, unspecified, multicast and broadcast addresses.
    static func isInternal(_ address: String) -> Bool {
        if address.contains(":") {
            let lower = address.lowercased()
            if let mapped = lower.split(separator: ":").last, lower.hasPrefix("::ffff:"), mapped.contains(".") {
                return isInternal(String(mapped))
            }
            return lower == "::1" || lower == "::" || lower.hasPrefix("fe8") || lower.hasPrefix("fe9") || lower.hasPrefix("fea")
                || lower.hasPrefix("feb") || lower.hasPrefix("fc") || lower.hasPrefix("fd") || lower.hasPrefix("ff")
        }
        let octets = address.split(separator: ".").compactMap { UInt8($0) }
        guard octets.count == 4 else { return true }
        switch (octets[0], octets[1]) {
        case (0, _), (10, _), (127, _), (169, 254), (192, 168), (255, 255): return true
        case (172, 16...31), (100, 64...127): return true
        case (224...239, _): return true
        default: return false
        }
    }
}
