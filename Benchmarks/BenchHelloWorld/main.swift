// BenchHelloWorld: the floor of the HTTP stack for scripts/bench-intake: Hummingbird 2 collecting each body and
// answering 202, nothing else.

import Hummingbird

let port = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 8090
let router = Router()
router.post("/v1/webhooks/:source") { request, context -> Response in
    _ = try await request.body.collect(upTo: 1_048_576)
    return Response(status: .accepted)
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
