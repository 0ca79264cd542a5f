// ConsoleMiddleware: the console's security headers and HTML errors, and its session check before any page.

import Foundation
import HTTPTypes
public import Hummingbird
import Logging

/// A request context that can carry the console session the session middleware found.
public protocol ConsoleRequestContext: RequestContext {
    var consoleSession: ConsoleSession? { get set }
}

/// A signed-in browser, as the console's handlers see it.
public struct ConsoleSession: Sendable, Hashable {
    var session: ConsoleSessions.Session
    /// The token every form of this session must carry.
    var csrf: String
}

/// Every console response, pages and errors alike, gets a strict Content-Security-Policy (no script at all,
/// styles and images from the console only, forms posted to it only, never framed), `no-store` and the other
/// hardening headers; an error becomes an HTML page (the console is read by people, not by clients of the API).
struct ConsoleHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    let templates: ConsoleTemplates

    static var securityHeaders: HTTPFields {
        var headers = HTTPFields()
        headers[.contentSecurityPolicy] =
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        headers[.xContentTypeOptions] = "nosniff"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"
        headers[.cacheControl] = "no-store"
        return headers
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            let page = MessagePage(
                title: "Not possible", heading: Self.heading(error.status), text: error.message, isProblem: true,
                next: .init(href: "/console", label: "Back to the console"))
            response = templates.render("message", page, status: error.status)
            response.headers.append(contentsOf: error.headers)
        } catch let error as HTTPError {
            let page = MessagePage(title: "Not possible", heading: Self.heading(error.status), text: "The request cannot be served.", isProblem: true)
            response = templates.render("message", page, status: error.status)
        } catch {
            context.logger.error("console page failed", metadata: ["error": "\(error)"])
            let page = MessagePage(
                title: "Something went wrong", heading: "Something went wrong", text: "The page could not be built; the log says why.",
                isProblem: true)
            response = templates.render("message", page, status: .internalServerError)
        }
        for field in Self.securityHeaders where response.headers[field.name] == nil || field.name == .cacheControl {
            response.headers[field.name] = field.value
        }
        return response
    }

    static func heading(_ status: HTTPResponse.Status) -> String {
        switch status.code {
        case 401: "Sign in first"
        case 403: "Refused"
        case 404: "Not found"
        case 409: "Not possible now"
        case 413: "Too large"
        case 429: "Too many attempts"
        case 500...: "The service cannot answer"
        default: "Not possible"
        }
    }
}

/// Lets a request through to a console page only with a valid session cookie. A page asked for without one is
/// sent to the sign-in (303, remembering where it was going); any other method is refused with 401. A POST
/// must also carry the session's CSRF token in its form (403 without).
struct ConsoleSessionMiddleware<Context: ConsoleRequestContext>: RouterMiddleware {
    let sessions: ConsoleSessions
    let maxFormBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let now = Date()
        guard let cookie = request.cookies[ConsoleSessions.cookieName]?.value, let session = sessions.session(fromCookie: cookie, now: now) else {
            if request.method == .get || request.method == .head {
                var target = URLComponents()
                target.path = "/console/sign-in"
                target.queryItems = [URLQueryItem(name: "next", value: request.uri.path)]
                return Response(status: .seeOther, headers: [.location: target.string ?? "/console/sign-in"])
            }
            throw APIError(.unauthorized, code: "no_session", message: "Sign in to the console first: this request carried no valid session.")
        }
        var context = context
        context.consoleSession = ConsoleSession(session: session, csrf: sessions.csrfToken(of: session))
        var request = request
        if request.method == .post {
            // The form is read here once (the handlers decode the same buffer): the CSRF token comes first.
            let body = try await request.collectBody(upTo: maxFormBytes)
            let fields = ConsoleForm.fields(String(buffer: body))
            guard let token = fields["csrf"], sessions.isValidCSRFToken(token, of: session) else {
                context.logger.notice("console form refused: no valid CSRF token", metadata: ["path": "\(request.uri.path)"])
                throw APIError(
                    .forbidden, code: "csrf",
                    message: "This form did not come from the console (its CSRF token is missing or wrong). Reload the page and try again.")
            }
        }
        return try await next(request, context)
    }
}

/// `application/x-www-form-urlencoded` bodies, as browsers send them.
enum ConsoleForm {
    static func fields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String? { part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = decode(parts[0]) else { continue }
            fields[name] = parts.count > 1 ? decode(parts[1]) ?? "" : ""
        }
        return fields
    }

    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        var request = request
        let body = try await request.collectBody(upTo: limit)
        do {
            return try URLEncodedFormDecoder().decode(T.self, from: String(buffer: body))
        } catch {
            throw APIError(.badRequest, code: "invalid_form", message: "The form is incomplete or malformed: \(error)")
        }
    }
}
