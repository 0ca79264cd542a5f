// SandboxDryRun: `sandbox.enabled`: the Feishu sandbox in the same process, and the configuration pointed at it.

import FeishuSandbox
public import HireBind
public import Logging
import Secrets
public import ServiceLifecycle

/// A dry run against the bundled sandbox instead of Feishu: the sandbox accepts the configured credentials, and
/// the service calls it instead of the open platform. The service itself never links the sandbox; the
/// executable wires it in here.
public enum SandboxDryRun {
    /// The sandbox service to run alongside the service, and the configuration that points the service at it;
    /// the configuration unchanged and no service when `sandbox.enabled` is false.
    public static func prepare(
        _ configuration: HireBindConfiguration, secrets: ServiceSecrets, logger: Logger,
        onSandboxRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> (configuration: HireBindConfiguration, services: [any Service]) {
        guard configuration.sandbox.enabled else { return (configuration, []) }
        var sandboxConfiguration = SandboxConfiguration(superAdminTokens: Set([secrets.feishuUserAccessToken?.value].compactMap { $0 }))
        if let app = secrets.feishuApp {
            sandboxConfiguration.appID = app.appID.value
            sandboxConfiguration.appSecret = app.appSecret.value
        }
        var sandboxLogger = logger
        sandboxLogger[metadataKey: "component"] = "feishu-sandbox"
        let sandbox = FeishuSandbox(configuration: sandboxConfiguration).application(
            host: configuration.sandbox.host, port: configuration.sandbox.port, logger: sandboxLogger, onServerRunning: onSandboxRunning
        )
        var pointed = configuration
        pointed.feishu.baseURL = "http://\(configuration.sandbox.host):\(configuration.sandbox.port)"
        pointed.feishu.accountsURL = pointed.feishu.baseURL
        return (pointed, [sandbox])
    }
}
