// CallbackAddressPolicyTests: callback hosts and resolved addresses refused or allowed.

import DryRun
import Foundation
import HireBindCore
import HireBindTesting
import Secrets
import Synchronization
import Testing

@testable import HireBind

@Suite struct CallbackAddressPolicyTests {
    let policy = CallbackAddressPolicy(
        allowedHosts: ["hr.example.com", "*.corp.example"], defaultURL: "https://default.example.org/cb", allowPrivateAddresses: false)

    @Test func hostsOnTheListAreAllowed() {
        #expect(policy.refusal(ofURL: "https://hr.example.com/hook") == nil)
        #expect(policy.refusal(ofURL: "https://HR.example.com/hook") == nil)
        #expect(policy.refusal(ofURL: "https://a.b.corp.example/hook") == nil)
        #expect(policy.refusal(ofURL: "https://default.example.org/other") == nil)
        #expect(policy.refusal(ofURL: "https://evil.example.net/hook") != nil)
        #expect(policy.refusal(ofURL: "https://hr.example.com.evil.net/hook") != nil)
        #expect(policy.refusal(ofURL: "https://corp.example.evil/hook") != nil)
    }

    @Test(arguments: [
        "127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
        "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "fe80::1", "fd12:3456::1", "::ffff:127.0.0.1", "::",
        // The attack's forms: IPv4-compatible and NAT64 loopback, benchmarking and reserved IPv4, documentation, 6to4.
        "::7f00:1", "64:ff9b::7f00:1", "64:ff9b:1::1", "198.18.0.1", "198.19.255.255", "240.0.0.1", "255.255.255.255",
        "192.0.2.1", "203.0.113.9", "2001:db8::1", "2002:7f00:1::1", "2001::1", "2001:2::1", "2001:10::1", "fec0::1", "ff02::1", "not an address",
    ])
    func internalAddresses(address: String) {
        #expect(CallbackAddressPolicy.isInternal(address))
    }

    @Test(arguments: [
        "8.8.8.8", "172.32.0.1", "100.128.0.1", "2001:4860:4860::8888", "93.184.216.34", "64:ff9b::808:808", "2002:808:808::1", "2001:200::1",
    ])
    func publicAddresses(address: String) {
        #expect(!CallbackAddressPolicy.isInternal(address))
    }

    /// Whatever address this host answers on is this host, not a receiver.
    @Test func thisHostsOwnAddressesAreInternal() {
        for address in CallbackAddressPolicy.ownAddresses() {
            #expect(CallbackAddressPolicy.isInternal(address), "\(address)")
        }
    }

    @Test func resolvedAddressIsChecked() async {
        // "localhost" is on the list by name, but resolves to loopback: refused for good.
        let byName = CallbackAddressPolicy(allowedHosts: ["localhost", "127.0.0.1"], defaultURL: nil, allowPrivateAddresses: false)
        let refusal = await byName.refusal(ofResolved: "http://localhost:9/cb")
        #expect(refusal?.permanent == true)
        #expect(refusal?.problem.contains("internal address") == true)
        #expect(await byName.refusal(ofResolved: "http://127.0.0.1:9/cb")?.permanent == true)
        let allowed = CallbackAddressPolicy(allowedHosts: ["localhost"], defaultURL: nil, allowPrivateAddresses: true)
        #expect(await allowed.refusal(ofResolved: "http://localhost:9/cb") == nil)
    }

    @Test func callbackURLOffTheListIs422() async throws {
        try await Stack.with { stack in
            let answer = try await stack.postWebhook(Stack.event("evt-ssrf", callbackURL: "http://169.254.169.254/latest/meta-data"))
            #expect(answer.status == 422)
            #expect(answer.errorCode == "callback_url_not_allowed")
        }
    }

    @Test func deliveryToAnInternalAddressIsRefusedAndDead() async throws {
        try await Stack.with(
            .init {
                $0.allowPrivateCallbacks = false; $0.callbackHost = "localhost"
            }
        ) { stack in
            let answer = try await stack.postWebhook(Stack.event("evt-internal"))
            _ = try await stack.finishedJob(try #require(answer.json["job_id"] as? String))
            var dead: [[String: Any]] = []
            for _ in 0..<100 where dead.isEmpty {
                dead = try await stack.admin("/v1/callbacks?status=dead").json["callbacks"] as? [[String: Any]] ?? []
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect((dead.first?["last_error"] as? String)?.contains("internal address") == true)
            #expect(await stack.receiver.inbox.all().isEmpty)
        }
    }

    @Test func aDeliveryConnectsToTheAddressThatWasCheckedNotToALaterAnswer() async {
        // A name that answers a public address for the check and an internal one right after (DNS rebinding).
        let answers = Mutex([["93.184.216.34"], ["127.0.0.1"]])
        let policy = CallbackAddressPolicy(
            allowedHosts: ["hr.example.com"], defaultURL: nil, allowPrivateAddresses: false,
            resolver: { _ in answers.withLock { $0.isEmpty ? [] : $0.removeFirst() } })
        let target = await policy.target(ofResolved: "https://hr.example.com/hooks")
        #expect(target == .connect(host: "hr.example.com", address: "93.184.216.34"))
        // The next attempt checks again and sees the internal address: refused, never connected.
        guard case .refused(let refusal) = await policy.target(ofResolved: "https://hr.example.com/hooks") else {
            Issue.record("a rebound name was not refused")
            return
        }
        #expect(refusal.problem.contains("127.0.0.1"))
        // A literal address is connected to as it is; internal addresses allowed, nothing is pinned.
        let literal = CallbackAddressPolicy(allowedHosts: ["93.184.216.35"], defaultURL: nil, allowPrivateAddresses: false, resolver: { [$0] })
        #expect(await literal.target(ofResolved: "http://93.184.216.35/cb") == .connect(host: "93.184.216.35", address: nil))
        let open = CallbackAddressPolicy(allowedHosts: ["localhost"], defaultURL: nil, allowPrivateAddresses: true)
        #expect(await open.target(ofResolved: "http://localhost:9/cb") == .connect(host: "localhost", address: nil))
    }
}
