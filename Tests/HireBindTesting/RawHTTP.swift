// RawHTTP: a blocking HTTP/1.1 client over a plain socket, for requests no well-behaved client sends.

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A blocking HTTP/1.1 client over a plain socket, for requests no well-behaved client sends:
/// bodies trickled byte by byte, oversized or repeated headers.
public enum RawHTTP {
    /// Sends `chunks` with `pause` between them and returns the status code of the answer, or nil when the
    /// server closed the connection without one.
    public static func exchange(port: Int, chunks: [[UInt8]], pause: Double = 0, readTimeout: Double = 15) async -> Int? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: blockingExchange(port: port, chunks: chunks, pause: pause, readTimeout: readTimeout))
            }
        }
    }

    /// Opens a connection to `port` and sends `prefix` (the start of a request head, never finished): the
    /// descriptor to close with ``release(_:)``, or nil when it could not connect.
    public static func hold(port: Int, prefix: [UInt8]) -> Int32? {
        guard let fd = connected(port: port) else { return nil }
        _ = prefix.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        return fd
    }

    public static func release(_ fd: Int32) { close(fd) }

    static func connected(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    private static func blockingExchange(port: Int, chunks: [[UInt8]], pause: Double, readTimeout: Double) -> Int? {
        guard let fd = connected(port: port) else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: Int(readTimeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var noSignal: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &noSignal, socklen_t(MemoryLayout<Int32>.size))
        for (index, chunk) in chunks.enumerated() {
            if index > 0, pause > 0 { Thread.sleep(forTimeInterval: pause) }
            let sent = chunk.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 { break }
            // Stop trickling once the server has answered.
            var probe = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&probe, 1, 0) > 0 { break }
        }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let received = recv(fd, &buffer, buffer.count, 0)
        guard received > 12 else { return nil }
        let head = String(decoding: buffer.prefix(received), as: UTF8.self)
        let parts = head.split(separator: " ", maxSplits: 2)
        return parts.count >= 2 ? Int(parts[1]) : nil
    }
}
