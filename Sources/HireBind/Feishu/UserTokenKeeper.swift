// UserTokenKeeper: keeps the stored login alive while no job runs, and reports a missing or dead one at once.

import FeishuAPI
import Foundation
import HireBindCore
import Logging
import ServiceLifecycle

/// Keeps the stored login alive while no job needs it: the refresh token is good for seven days only while it is
/// used, so the access token is refreshed whenever it nears expiry, jobs or not. Reports a missing or dead login
/// on `/readyz` from the start instead of at the next job.
struct UserTokenKeeper: Service {
    let tokens: RefreshingUserAccessToken
    let health: FeishuHealth
    /// How often the stored pair is looked at; a refresh happens only within the refresh margin.
    let interval: Duration
    let logger: Logger

    func run() async throws {
        var reported = false
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do throws(FeishuCallError) {
                _ = try await tokens.current()
                if reported {
                    health.credentialsWork()
                    reported = false
                }
            } catch {
                if error.errorClass == .waitForOperator {
                    health.needOperator(error.jobFailure)
                    if !reported {
                        logger.error("the Feishu login cannot be used: \(error.jobFailure.hint)", metadata: ["code": "\(error.failure.code)"])
                    }
                    reported = true
                }
            }
            // While the login is missing or dead, look often, so a new login clears `/readyz` within seconds.
            let pause = reported ? min(interval, .seconds(2)) : interval
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
    }
}
