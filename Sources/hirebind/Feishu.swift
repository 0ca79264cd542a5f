// Feishu: `hirebind feishu login` and `hirebind feishu status`.

import ArgumentParser
import AsyncHTTPClient
import Foundation
import HireBind
import HireBindCore
import JobStore
import Logging

struct Feishu: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The tenant super admin's Feishu login, which the bind calls use.",
        subcommands: [Login.self, Status.self]
    )

    struct Login: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Authorize hirebind once as a tenant super admin (OAuth) and store the token pair it refreshes from then on."
        )

        @Option(name: .long, help: "The YAML configuration file.")
        var config: String

        @Option(name: .long, help: "The code from the redirect URL, when the browser cannot reach the redirect listener.")
        var code: String?

        @Option(name: .long, help: "How long to wait for the redirect, in seconds.")
        var timeoutSeconds = 600.0

        func run() async throws {
            let configuration = try HireBindConfiguration.load(path: config)
            guard let app = try FeishuAppCredentials.resolve(configuration.feishu, environment: ProcessInfo.processInfo.environment) else {
                throw ValidationError("feishu.app_id and feishu.app_secret are needed to log in")
            }
            let store = try await StoreLocation.of(configuration.database, environment: ProcessInfo.processInfo.environment)
                .open(logger: Logger(label: "hirebind"))
            var logger = Logger(label: "hirebind-login")
            logger.logLevel = .warning
            try await withHTTPClient { httpClient in
                let login = FeishuLogin(settings: configuration.feishu, app: app, store: store, httpClient: httpClient, logger: logger)
                let stored: StoredUserToken
                if let code {
                    stored = try await login.complete(code: code)
                } else {
                    let state = FeishuLogin.newState()
                    let url = login.authorizeURL(state: state)
                    let received = try await login.receiveCode(state: state, timeout: .seconds(Int64(timeoutSeconds))) {
                        print(
                            """
                            Open this address in a browser and sign in as a tenant super administrator:

                              \(url)

                            Waiting for Feishu to redirect to \(configuration.feishu.oauth.redirectURI) …
                            """)
                        fflush(nil)
                    }
                    stored = try await login.complete(code: received)
                }
                print(Self.summary(stored))
            }
        }

        static func summary(_ stored: StoredUserToken, heading: String = "Stored the Feishu token pair") -> String {
            let formatter = ISO8601DateFormatter()
            var lines = ["\(heading) (generation \(stored.generation)) in the store."]
            lines.append("  access token valid until  \(formatter.string(from: stored.pair.accessExpiresAt)) (refreshed before then)")
            if let refresh = stored.pair.refreshExpiresAt {
                lines.append("  refresh token valid until \(formatter.string(from: refresh)) (rotated at each refresh)")
            }
            if let scope = stored.pair.scope { lines.append("  scope: \(scope)") }
            return lines.joined(separator: "\n")
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show whether a usable Feishu login is stored (never the tokens).")

        @Option(name: .long, help: "The YAML configuration file.")
        var config: String

        func run() async throws {
            let configuration = try HireBindConfiguration.load(path: config)
            let store = try await StoreLocation.of(configuration.database, environment: ProcessInfo.processInfo.environment)
                .open(logger: Logger(label: "hirebind"))
            guard let stored = try await store.userToken() else {
                print("No Feishu login is stored: run `hirebind feishu login --config \(config)`.")
                throw ExitCode(1)
            }
            print(Login.summary(stored, heading: "A Feishu token pair is stored"))
            if let reason = stored.deadReason {
                print("  DEAD: \(reason). Run `hirebind feishu login --config \(config)`.")
                throw ExitCode(1)
            }
        }
    }
}
