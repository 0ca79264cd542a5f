// ConsoleTemplates: the console's Mustache templates and assets (resources of this module), rendered as responses.

import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// The templates under `Console/console/` (`*.mustache`, every page a child of `layout`) and the two assets.
/// Mustache escapes every `{{value}}` for HTML; the templates use no triple braces.
struct ConsoleTemplates: Sendable {
    let library: MustacheLibrary
    let stylesheet: [UInt8]
    let icon: [UInt8]

    /// The bundled templates; a template that does not parse stops the service at start.
    static let bundled: ConsoleTemplates = {
        do {
            return try ConsoleTemplates(folder: Bundle.module.url(forResource: "console", withExtension: nil))
        } catch {
            fatalError("the console's bundled templates do not load: \(error)")
        }
    }()

    init(folder: URL?) throws {
        guard let folder else { throw ConsoleTemplateError(description: "the console's resource folder is missing from the bundle") }
        var library = MustacheLibrary()
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".mustache") }
        for name in names {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            try library.register(text, named: String(name.dropLast(".mustache".count)))
        }
        self.library = library
        stylesheet = Array(try Data(contentsOf: folder.appendingPathComponent("console.css")))
        icon = Array(try Data(contentsOf: folder.appendingPathComponent("favicon.svg")))
    }

    /// The page `template` rendered with `page` as an HTML response.
    func render(_ template: String, _ page: Any, status: HTTPResponse.Status = .ok) -> Response {
        let html = library.render(page, withTemplate: template) ?? "<!doctype html><title>hirebind</title><p>The page '\(template)' is missing."
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func asset(_ bytes: [UInt8], type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "max-age=300"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

struct ConsoleTemplateError: Error, CustomStringConvertible {
    var description: String
}
