// DirectoryReconciler: the Feishu directory compared with the store: a bind for each active person with none,
// an unbind for each bound person who left. Reconciliation and `hirebind backfill --from feishu` share it.

public import AsyncHTTPClient
public import FeishuAPI
import Foundation
import HireBindCore
public import JobStore
public import Logging
import MailboxNaming

/// Walks the directory through the contact API (with the app's tenant token, under the client's rate limiter)
/// and queues what the store lacks. It never binds anyone twice: each hire is queued "unless bound", decided
/// in the store's transaction, so a rerun after a crash or Ctrl-C, a directory event arriving meanwhile or a
/// second reconciliation all find the first job.
public struct DirectoryReconciler: Sendable {
    let source: String
    let feishu: FeishuClient
    let tenantTokens: TenantAccessTokens
    let mapping: DirectoryEventMapping
    let intake: JobIntake
    let ledger: any IntakeLedger
    let backfill: Backfill
    let callbackURL: String?
    let userIDType: String
    let logger: Logger

    public init(
        source: String, settings: SourceSettings, feishu: FeishuClient, tenantTokens: TenantAccessTokens, intake: JobIntake,
        ledger: any IntakeLedger, assigner: MailboxAssigner, userIDType: String, logger: Logger
    ) {
        self.source = source
        self.feishu = feishu
        self.tenantTokens = tenantTokens
        self.mapping = DirectoryEventMapping(userIDType: userIDType, addressField: settings.addressField)
        self.intake = intake
        self.ledger = ledger
        self.backfill = Backfill(source: source, intake: intake, ledger: ledger, assigner: assigner, resultsTo: .only(settings.callbackURL))
        self.callbackURL = settings.callbackURL
        self.userIDType = userIDType
        self.logger = logger
    }

    /// Every person in `department` and the departments below it ("0": the whole directory), each once.
    public func people(in department: String = "0") async throws(FeishuCallError) -> [DirectoryUser] {
        var departments = [department]
        var pageToken: String?
        repeat {
            let page = try await tenantTokens.calling { token throws(FeishuCallError) in
                try await feishu.departmentChildren(of: department, pageToken: pageToken, tenantAccessToken: token)
            }.value
            departments += page.items.map(\.openDepartmentID)
            pageToken = page.hasMore ? page.pageToken : nil
        } while pageToken != nil
        var seen: Set<String> = []
        var people: [DirectoryUser] = []
        for department in departments {
            var pageToken: String?
            repeat {
                let page = try await tenantTokens.calling { token throws(FeishuCallError) in
                    try await feishu.usersInDepartment(department, pageToken: pageToken, userIDType: userIDType, tenantAccessToken: token)
                }.value
                for person in page.items where seen.insert(person.openID ?? UUID().uuidString).inserted { people.append(person) }
                pageToken = page.hasMore ? page.pageToken : nil
            } while pageToken != nil
        }
        return people
    }

    /// Queues a bind for every active person of `people` who has none; a dry run writes nothing and plans the
    /// addresses instead.
    public func bindMissing(
        _ people: [DirectoryUser], dryRun: Bool = false, progress: @Sendable (Backfill.Progress) -> Void = { _ in }
    ) async throws -> Backfill.Summary {
        let entries = people.map { person -> Backfill.Entry in
            let openID = person.openID ?? ""
            guard person.isActive else { return .skip(key: openID, reason: "not active in the directory (resigned or exited)") }
            do {
                let event = try mapping.hire(person, eventID: "reconcile-\(openID)-\(UUID().uuidString.prefix(8))", createTime: nil)
                return .hire(key: openID, name: person.name ?? "", event: event)
            } catch {
                return .skip(key: openID, reason: "\(error)")
            }
        }
        return try await backfill.run(entries, dryRun: dryRun, progress: progress)
    }

    /// Queues an unbind for each bound person of the source who is not among `present` (the whole directory's
    /// active people). Call it only after a complete walk of the whole directory.
    public func unbindLeavers(present: Set<String>) async throws -> Int {
        var unbound = 0
        for (employeeID, jobID) in try await ledger.boundEmployees(source: source) where !present.contains(employeeID) {
            let departure = NewHireEvent(
                eventID: "reconcile-leave-\(jobID)", eventType: NewHireEvent.terminatedType, occurredAt: DirectoryEventMapping.timestamp(nil),
                employee: Employee(employeeID: employeeID, givenName: "", familyName: "", feishuUserID: nil)
            )
            if case .created = try await intake.accept(departure, source: source, resultsTo: .only(callbackURL)) { unbound += 1 }
        }
        return unbound
    }

    /// A reconciler outside the service (`hirebind backfill`, the demo, tests): its own client and tenant token
    /// cache on `httpClient` (its rate budget the replicas' when `store` is shared), and an intake on `store` named
    /// by the configuration's rules.
    /// - Throws: ``ConfigurationError`` when the source is not configured, the app has no credentials, or the
    ///   naming rules cannot be built.
    public static func standalone(
        source: String, configuration: HireBindConfiguration, secrets: ServiceSecrets, store: any HireBindStore, httpClient: HTTPClient,
        logger: Logger
    ) throws(ConfigurationError) -> DirectoryReconciler {
        guard let settings = configuration.sources[source] else { throw ConfigurationError(key: "sources.\(source)", "no such source is configured") }
        guard let app = secrets.feishuApp else {
            throw ConfigurationError(key: "feishu.app_id", "reading the directory needs feishu.app_id and feishu.app_secret")
        }
        let hosts = configuration.feishu.hosts
        let assigner = MailboxAssigner(namer: try NamingRules.namer(configuration.naming), defaultAdminAccount: configuration.feishu.adminAccount)
        let intake = JobIntake(
            store: store, assigner: assigner, userIDType: configuration.feishu.userIDType, defaultCallbackURL: configuration.callbacks.defaultURL,
            doorbell: Doorbell()
        )
        return DirectoryReconciler(
            source: source, settings: settings,
            feishu: FeishuClient(
                httpClient: httpClient, hosts: hosts, timeoutSeconds: configuration.feishu.timeoutSeconds,
                rateLimiters: SharedRateLimiter.rateLimiters(for: store, logger: logger), logger: logger),
            tenantTokens: TenantAccessTokens(
                httpClient: httpClient, hosts: hosts, appID: app.appID, appSecret: app.appSecret, timeoutSeconds: configuration.feishu.timeoutSeconds,
                logger: logger),
            intake: intake, ledger: store, assigner: assigner, userIDType: configuration.feishu.userIDType, logger: logger
        )
    }

    /// A whole pass: read the directory, bind the missing, unbind the leavers.
    public func reconcile() async throws -> Backfill.Summary {
        let everyone = try await people()
        var summary = try await bindMissing(everyone)
        summary.unbound = try await unbindLeavers(present: Set(everyone.filter(\.isActive).compactMap(\.openID)))
        return summary
    }
}
