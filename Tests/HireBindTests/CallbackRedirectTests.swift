// CallbackRedirectTests: a receiver's redirect is a failed delivery; the signed result never reaches another host.

import DryRun
import Foundation
import HTTPTypes
import HireBind
import HireBindTesting
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@Suite struct CallbackRedirectTests {
    @Test func aRedirectIsNotFollowed() async throws {
        let logger = Logger(label: "redirect-test")
        let stolen = Mutex(0)
        let thiefRouter = Router()
        thiefRouter.post("/steal") { _, _ in
            stolen.withLock { $0 += 1 }
            return Response(status: .noContent)
        }
        let thiefPort = PortAnnouncement(), redirectorPort = PortAnnouncement()
        let thief = Application(
            router: thiefRouter, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { await thiefPort.announce($0.localAddress?.port ?? 0) }, logger: logger)
        try await withRunningServices([thief], logger: logger) { _ in
            let target = "http://127.0.0.1:\(await thiefPort.port()!)/steal"
            let redirectorRouter = Router()
            redirectorRouter.post("/hr/callback") { _, _ in
                Response(status: .temporaryRedirect, headers: [.location: target])
            }
            let redirector = Application(
                router: redirectorRouter, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { await redirectorPort.announce($0.localAddress?.port ?? 0) }, logger: logger)
            try await withRunningServices([redirector], logger: logger) { _ in
                let callbackURL = "http://127.0.0.1:\(await redirectorPort.port()!)/hr/callback"
                try await Stack.with { stack in
                    let answer = try await stack.postWebhook(Stack.event("evt-redirect", callbackURL: callbackURL))
                    let jobID = try #require(answer.json["job_id"] as? String)
                    _ = try await stack.finishedJob(jobID)
                    var lastError: String?
                    for _ in 0..<200 {
                        let callbacks = try await stack.admin("/v1/callbacks").json["callbacks"] as? [[String: Any]] ?? []
                        lastError = callbacks.first { $0["job_id"] as? String == jobID }?["last_error"] as? String
                        if lastError != nil { break }
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    #expect(lastError?.contains("HTTP 307, a redirect") == true)
                    #expect(lastError?.contains("do not follow redirects") == true)
                    #expect(stolen.withLock { $0 } == 0)
                }
            }
        }
    }
}
