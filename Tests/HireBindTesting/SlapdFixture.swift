// SlapdFixture: a real OpenLDAP slapd on loopback standing in for Active Directory, started and stopped per test.

public import Foundation
public import HireBind

/// A throwaway slapd (scripts/ldap/slapd-fixture) with the AD attributes hirebind reads and the fixture people:
/// StartTLS on `url`, LDAPS on `ldapsURL`, a CA made for the run.
public struct SlapdFixture: Sendable {
    public let directory: String
    public let url: String
    public let ldapsURL: String
    public let caFile: String
    public let bindDN: String
    public let passwordFile: String
    public let searchBase: String
    public let adminDN: String
    public let port: Int

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/ldap/slapd-fixture").path

    /// Runs `body` with a fresh slapd, stopped afterwards whatever happens.
    public static func with<T: Sendable>(_ body: (SlapdFixture) async throws -> T) async throws -> T {
        let fixture = try await start()
        do {
            let result = try await body(fixture)
            await fixture.stop()
            return result
        } catch {
            await fixture.stop()
            throw error
        }
    }

    static func start() async throws -> SlapdFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hirebind-slapd-\(UUID().uuidString)").path
        var lastError = ""
        // Ports are picked at random; a taken one is tried again with others.
        for _ in 0..<5 {
            let port = Int.random(in: 30_000...39_999)
            let (status, output) = await ChildProcess.run(script, ["start", directory, "\(port)", "\(port + 1)"])
            if status == 0 {
                var values: [String: String] = [:]
                for line in output.split(separator: "\n") {
                    let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
                    if parts.count == 2 { values[parts[0]] = parts[1] }
                }
                return SlapdFixture(
                    directory: directory, url: values["LDAP_URL"] ?? "", ldapsURL: values["LDAPS_URL"] ?? "", caFile: values["CA_FILE"] ?? "",
                    bindDN: values["BIND_DN"] ?? "", passwordFile: values["BIND_PASSWORD_FILE"] ?? "", searchBase: values["SEARCH_BASE"] ?? "",
                    adminDN: values["ADMIN_DN"] ?? "", port: port
                )
            }
            lastError = output
            _ = await ChildProcess.run(script, ["stop", directory])
            try? FileManager.default.removeItem(atPath: directory)
        }
        throw SlapdFixtureError(message: "slapd did not start: \(lastError)")
    }

    public func stop() async {
        _ = await ChildProcess.run(Self.script, ["stop", directory])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The service account's password as the fixture made it.
    public var password: String { (try? String(contentsOfFile: passwordFile, encoding: .utf8)) ?? "" }

    /// Adds entries (LDIF) as the fixture's administrator, over StartTLS, as an AD admin creating a mailbox would.
    public func add(_ ldif: String) async throws {
        let file = directory + "/add-\(UUID().uuidString).ldif"
        try ldif.write(toFile: file, atomically: true, encoding: .utf8)
        let (status, output) = await ChildProcess.run(
            "/usr/bin/ldapadd", ["-ZZ", "-H", url, "-D", adminDN, "-y", passwordFile, "-f", file], environment: ["LDAPTLS_CACERT": caFile])
        guard status == 0 else { throw SlapdFixtureError(message: "ldapadd failed: \(output)") }
    }

    /// `mailbox_directory:` on this slapd, rechecking fast.
    public func settings(
        mode: MailboxDirectorySettings.Mode, ldaps: Bool = false, waitHours: Double = 1, change: (inout LDAPSettings) -> Void = { _ in }
    ) -> MailboxDirectorySettings {
        var ldap = LDAPSettings(
            url: ldaps ? ldapsURL : url, caFile: caFile, bindDN: bindDN, bindPassword: .file(passwordFile), searchBase: searchBase, timeoutSeconds: 2)
        change(&ldap)
        return MailboxDirectorySettings(
            backend: .ldap, mode: mode, waitForMailboxHours: waitHours, recheckMinSeconds: 0.2, recheckMaxSeconds: 0.5, unavailableRetrySeconds: 0.2,
            ldap: ldap)
    }

}

public struct SlapdFixtureError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
