// SandboxDirectoryReads: the contact v3 reads of the sandbox directory: a department's children and its people, paged.

import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension FeishuSandbox {
    static let departmentChildrenPath = "/open-apis/contact/v3/departments/:department_id/children"
    static let usersByDepartmentPath = "/open-apis/contact/v3/users/find_by_department"

    /// The root department, as Feishu names it.
    static let rootDepartment = "0"

    func addDirectoryReadRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.get(RouterPath(stringLiteral: Self.departmentChildrenPath)) { request, context in
            if let refusal = await self.directoryReadRefusal(request, method: "departments.children") { return refusal }
            let parent = context.parameters.get("department_id") ?? ""
            // Every department a person of the directory is in hangs below the root.
            let all = Set(await self.directory.all().flatMap { $0.departmentIDs ?? [] }).subtracting([Self.rootDepartment]).sorted()
            let children = parent == Self.rootDepartment ? all : []
            guard let (page, token) = Self.page(children, request: request) else { return Self.invalidPage() }
            let items = page.map { ["open_department_id": $0, "department_id": $0, "name": $0, "parent_department_id": "0"] }
            return Self.json(.ok, ["code": 0, "msg": "success", "data": Self.pageData(items, token)])
        }
        router.get(RouterPath(stringLiteral: Self.usersByDepartmentPath)) { request, _ in
            if let refusal = await self.directoryReadRefusal(request, method: "users.find_by_department") { return refusal }
            let department = request.uri.queryParameters.get("department_id") ?? Self.rootDepartment
            let people = await self.directory.all().filter { person in
                let departments = person.departmentIDs ?? []
                return departments.isEmpty ? department == Self.rootDepartment : departments.contains(department)
            }
            guard let (page, token) = Self.page(people, request: request) else { return Self.invalidPage() }
            let items = page.compactMap { person -> [String: Any]? in
                guard let data = try? JSONEncoder().encode(person) else { return nil }
                var object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
                object["status"] = ["is_resigned": false, "is_activated": true, "is_exited": false]
                return object
            }
            return Self.json(.ok, ["code": 0, "msg": "success", "data": Self.pageData(items, token)])
        }
    }

    /// The rate limit, then a valid tenant token: the contact API answers with the app's identity only.
    func directoryReadRefusal(_ request: Request, method: String) async -> Response? {
        if let refusal = await rateLimited(method) { return refusal }
        guard let token = Self.bearerToken(request) else {
            return Self.error(.badRequest, code: 99991661, msg: "Missing access token for authorization. Please make a request with token attached.")
        }
        guard await state.tenantTokenValid(token, now: Date()) else {
            return Self.error(.badRequest, code: 99991663, msg: "Invalid access token for authorization. Please make a request with token attached.")
        }
        return nil
    }

    /// One page of `items` by `page_size` (1–50, default 50) and `page_token` (an offset the sandbox issued), and
    /// the next page's token; nil for an invalid size or token.
    static func page<Item>(_ items: [Item], request: Request) -> ([Item], String?)? {
        let size = request.uri.queryParameters.get("page_size").map { Int($0) ?? 0 } ?? 50
        guard (1...50).contains(size) else { return nil }
        var start = 0
        if let token = request.uri.queryParameters.get("page_token") {
            guard let data = Data(base64Encoded: String(token)), let offset = Int(String(decoding: data, as: UTF8.self)), offset >= 0 else {
                return nil
            }
            start = min(offset, items.count)
        }
        let end = min(items.count, start + size)
        let next = end < items.count ? Data(String(end).utf8).base64EncodedString() : nil
        return (Array(items[start..<end]), next)
    }

    static func pageData(_ items: [[String: Any]], _ token: String?) -> [String: Any] {
        var data: [String: Any] = ["items": items, "has_more": token != nil]
        if let token { data["page_token"] = token }
        return data
    }

    static func invalidPage() -> Response {
        error(.badRequest, code: 40011, msg: "page size is invalid, or page token is invalid")
    }
}
