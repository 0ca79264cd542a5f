// SignatureEncoding: how a sender writes a MAC into a header: hexadecimal or base64.

import Foundation

/// How a signature's bytes are written in its header.
public enum SignatureEncoding: String, Sendable, Codable, CaseIterable {
    /// Hexadecimal, either case.
    case hex
    /// Standard base64 with padding (RFC 4648 §4).
    case base64

    public func encode(_ bytes: [UInt8]) -> String {
        switch self {
        case .hex: Hex.encode(bytes)
        case .base64: Data(bytes).base64EncodedString()
        }
    }

    /// The bytes, or nil when `text` is not of this encoding.
    public func decode(_ text: some StringProtocol) -> [UInt8]? {
        switch self {
        case .hex: Hex.decode(text)
        case .base64: Data(base64Encoded: String(text)).map(Array.init)
        }
    }
}

/// Lowercase hexadecimal.
public enum Hex {
    public static func encode(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 2)
        var index = 0
        while index < chars.count {
            guard let high = nibble(chars[index]), let low = nibble(chars[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
