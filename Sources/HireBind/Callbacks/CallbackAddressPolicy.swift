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
    /// Turns a host into its addresses: the system's resolver, or a stand-in in tests.
    let resolver: @Sendable (String) async -> [String]

    /// The policy `callbacks:` describes.
    public init(_ settings: CallbackSettings) {
        self.init(allowedHosts: settings.allowedHosts, defaultURL: settings.defaultURL, allowPrivateAddresses: settings.allowPrivateAddresses)
    }

    public init(
        allowedHosts: [String], defaultURL: String?, allowPrivateAddresses: Bool,
        resolver: @escaping @Sendable (String) async -> [String] = CallbackAddressPolicy.resolve
    ) {
        self.resolver = resolver
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

    /// What a delivery may do: go to `address` (the one checked, so that a name resolving differently a moment
    /// later cannot send it elsewhere), go as the URL says, or not go.
    public enum Target: Sendable, Equatable {
        /// Connect to this checked address (nil: the URL's own, when internal addresses are allowed or it is a literal).
        case connect(host: String, address: String?)
        case refused(Refusal)
    }

    /// Resolves the URL's host and refuses it when any address is internal (unless allowed); a name that does
    /// not resolve now is refused for this attempt only. Otherwise the delivery connects to the first address
    /// checked: a DNS answer that changes between the check and the connection (DNS rebinding) is never used.
    public func target(ofResolved text: String) async -> Target {
        if let problem = refusal(ofURL: text) { return .refused(Refusal(problem: problem, permanent: true)) }
        guard let host = URL(string: text)?.host else { return .refused(Refusal(problem: "callback_url has no host", permanent: true)) }
        guard !allowPrivateAddresses else { return .connect(host: host, address: nil) }
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        let addresses = await resolver(bare)
        guard let first = addresses.first else {
            return .refused(Refusal(problem: "callback host \(host) does not resolve", permanent: false))
        }
        if let inside = addresses.first(where: Self.isInternal) {
            return .refused(
                Refusal(
                    problem: "callback host \(host) resolves to \(inside), an internal address (set callbacks.allow_private_addresses to allow it)",
                    permanent: true
                ))
        }
        return .connect(host: host, address: bare == first ? nil : first)
    }

    /// Nil when a delivery to the URL may go ahead; otherwise why not.
    public func refusal(ofResolved text: String) async -> Refusal? {
        if case .refused(let refusal) = await target(ofResolved: text) { return refusal }
        return nil
    }

    /// Numeric addresses of `host` (a name or a literal), IPv4 and IPv6.
    public static func resolve(_ host: String) async -> [String] {
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

    /// Whether `address` (numeric, IPv4 or IPv6) is anything but a public unicast address: every block of IANA's
    /// IPv4 and IPv6 special-purpose registries that is not globally reachable, the IPv4 address embedded in the
    /// IPv6 transition forms (mapped, compatible, NAT64, 6to4), and this machine's own interface addresses. An
    /// address that does not parse is internal.
    static func isInternal(_ address: String) -> Bool {
        if address.contains(":") {
            var bytes = [UInt8](repeating: 0, count: 16)
            guard inet_pton(AF_INET6, address, &bytes) == 1 else { return true }
            return isInternalIPv6(bytes) || ownAddresses().contains(canonical(address))
        }
        var bytes = [UInt8](repeating: 0, count: 4)
        guard inet_pton(AF_INET, address, &bytes) == 1 else { return true }
        return isInternalIPv4(bytes) || ownAddresses().contains(address)
    }

    /// The IPv4 special-purpose blocks (RFC 6890 and its registry) that no callback may reach.
    static func isInternalIPv4(_ b: [UInt8]) -> Bool {
        switch (b[0], b[1], b[2]) {
        case (0, _, _), (10, _, _), (127, _, _): true  // this network, private, loopback
        case (100, 64...127, _): true  // carrier-grade NAT
        case (169, 254, _): true  // link-local
        case (172, 16...31, _): true  // private
        case (192, 0, 0), (192, 0, 2), (192, 88, 99), (192, 168, _): true  // IETF protocols, TEST-NET-1, 6to4 relay, private
        case (198, 18...19, _), (198, 51, 100), (203, 0, 113): true  // benchmarking, TEST-NET-2 and -3
        case (224...255, _, _): true  // multicast, reserved (240/4) and broadcast
        default: false
        }
    }

    /// The IPv6 special-purpose blocks, and the IPv4 addresses inside the transition forms.
    static func isInternalIPv6(_ b: [UInt8]) -> Bool {
        let zeroPrefix = b[0..<10].allSatisfy { $0 == 0 }
        // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, including ::1 and ::): judged by the IPv4 address.
        if zeroPrefix, (b[10] == 0xff && b[11] == 0xff) || (b[10] == 0 && b[11] == 0) {
            if b[10] == 0, b[12..<15].allSatisfy({ $0 == 0 }), b[15] <= 1 { return true }  // :: and ::1
            return isInternalIPv4(Array(b[12..<16]))
        }
        // NAT64 (64:ff9b::/96 and the local-use 64:ff9b:1::/48): the embedded IPv4 address decides, the local use never passes.
        if b[0] == 0x00, b[1] == 0x64, b[2] == 0xff, b[3] == 0x9b {
            if b[4] == 0, b[5] == 1 { return true }
            if b[4..<12].allSatisfy({ $0 == 0 }) { return isInternalIPv4(Array(b[12..<16])) }
        }
        // 6to4 (2002::/16): the IPv4 address in bits 16–47.
        if b[0] == 0x20, b[1] == 0x02 { return isInternalIPv4(Array(b[2..<6])) }
        switch (b[0], b[1], b[2], b[3]) {
        case (0x01, 0x00, 0, 0): return true  // discard-only 100::/64
        case (0x20, 0x01, 0x00...0x01, _): return true  // 2001::/23, IETF protocol assignments: Teredo, benchmarking, ORCHID
        case (0x20, 0x01, 0x0d, 0xb8): return true  // documentation
        case (0x3f, 0xff, _, _): return b[2] & 0xf0 == 0  // documentation 3fff::/20
        default: break
        }
        if b[0] & 0xfe == 0xfc { return true }  // unique local fc00::/7
        if b[0] == 0xfe, b[1] & 0xc0 == 0x80 || b[1] & 0xc0 == 0xc0 { return true }  // link-local fe80::/10, site-local fec0::/10
        if b[0] == 0xff { return true }  // multicast
        return false
    }

    /// An IPv6 address in the form getnameinfo and getifaddrs print it.
    static func canonical(_ address: String) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard inet_pton(AF_INET6, address, &bytes) == 1 else { return address.lowercased() }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, bytes, &buffer, socklen_t(buffer.count)) != nil else { return address.lowercased() }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// This machine's own interface addresses: a callback to any of them reaches this host.
    static func ownAddresses() -> Set<String> {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(first) }
        var addresses: Set<String> = []
        var entry: UnsafeMutablePointer<ifaddrs>? = first
        while let current = entry {
            if let address = current.pointee.ifa_addr,
                address.pointee.sa_family == sa_family_t(AF_INET) || address.pointee.sa_family == sa_family_t(AF_INET6)
            {
                let length = address.pointee.sa_family == sa_family_t(AF_INET) ? MemoryLayout<sockaddr_in>.size : MemoryLayout<sockaddr_in6>.size
                var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
                if getnameinfo(address, socklen_t(length), &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                    let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    // A link-local address prints with its zone (fe80::1%eth0); the address alone is compared.
                    addresses.insert(String(text.split(separator: "%").first ?? ""))
                }
            }
            entry = current.pointee.ifa_next
        }
        return addresses
    }
}
