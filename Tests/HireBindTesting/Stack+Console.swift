// Stack+Console: the console as a browser uses it: a session cookie, the CSRF token of the page, forms.

import AsyncHTTPClient
import Foundation
import NIOCore
public import NIOHTTP1

extension Stack {
    /// A signed-in browser: its session cookie (`name=value`) and the CSRF token its pages carry.
    public struct ConsoleBrowser: Sendable {
        public var cookie: String
        public var csrf: String
    }

    /// Signs in with the admin token, then reads the CSRF token off the overview.
    public func consoleSignIn() async throws -> ConsoleBrowser {
        let signIn = try await console(.POST, "/console/sign-in", form: ["token": Stack.adminToken, "next": "/console"])
        guard signIn.status == 303, let setCookie = signIn.headers.first(name: "Set-Cookie"), let cookie = setCookie.split(separator: ";").first
        else { throw StackError.unexpected("the console's sign-in answered \(signIn.status) without a session cookie") }
        let overview = try await console(.GET, "/console", cookie: String(cookie))
        guard let csrf = Self.csrfToken(in: overview.text) else { throw StackError.unexpected("the overview carries no CSRF token") }
        return ConsoleBrowser(cookie: String(cookie), csrf: csrf)
    }

    /// A request to the console on the admin listener; `form` is sent URL-encoded, as a browser posts it.
    public func console(_ method: HTTPMethod, _ path: String, cookie: String? = nil, form: [String: String]? = nil) async throws -> Answer {
        var headers = HTTPHeaders()
        if let cookie { headers.add(name: "Cookie", value: cookie) }
        var body: [UInt8]?
        if let form {
            headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            body = Array(Self.formEncoded(form).utf8)
        }
        guard adminRouterClient == nil else {
            return try await call(method, path, headers: headers, body: body, baseURL: adminURL, routerClient: adminRouterClient)
        }
        // A browser's view: each redirect is an answer of its own, not followed.
        var request = HTTPClientRequest(url: adminURL + path)
        request.method = method
        request.headers = headers
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await Self.withoutRedirects.execute(request, timeout: .seconds(20))
        let bytes = try await response.body.collect(upTo: 1 << 22)
        return Answer(status: Int(response.status.code), json: [:], headers: response.headers, text: String(buffer: bytes))
    }

    static let withoutRedirects = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))

    static func formEncoded(_ form: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return form.sorted { $0.key < $1.key }.map { key, value in
            "\(key.addingPercentEncoding(withAllowedCharacters: allowed)!)=\(value.addingPercentEncoding(withAllowedCharacters: allowed)!)"
        }.joined(separator: "&")
    }

    /// The value of the first `name="csrf"` hidden field of a page.
    public static func csrfToken(in page: String) -> String? {
        guard let field = page.range(of: #"name="csrf" value=""#) else { return nil }
        let rest = page[field.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}
