// MailboxVerdictTests: what the directory's answers decide, in each mode, without a directory.

import HireBind
import HireBindCore
import MailboxDirectory
import Testing

@Suite struct MailboxVerdictTests {
    let wei1 = MailboxRecord(id: "u1", identity: "E1001", mail: "wei.zhang@example.com", proxyAddresses: ["SMTP:wei.zhang@example.com"])
    let wei2 = MailboxRecord(id: "u2", identity: "E1002", mail: "wei.zhang2@example.com", proxyAddresses: ["SMTP:wei.zhang2@example.com"])

    func decide(
        _ mode: MailboxDirectorySettings.Mode, _ computed: String, _ identity: String, accounts: [MailboxRecord], holders: [MailboxRecord]
    )
        -> MailboxVerdict
    {
        MailboxVerdict.decide(mode: mode, computed: computed, identity: identity, attribute: "employeeId", accounts: accounts, holders: holders)
    }

    func code(_ verdict: MailboxVerdict) -> String? {
        switch verdict {
        case .bind: nil
        case .wait(let failure), .refuse(let failure, _): failure.code
        }
    }

    @Test func anAddressThatIsSomeoneElsesIsRefusedInBothModes() {
        for mode in [MailboxDirectorySettings.Mode.verify, .adopt] {
            let verdict = decide(mode, "wei.zhang@example.com", "E2000", accounts: [], holders: [wei1])
            guard case .refuse(let failure, let reason) = verdict else {
                Issue.record("\(mode): \(verdict)")
                continue
            }
            #expect(reason == .someoneElse)
            #expect(failure.code == "mailbox_of_someone_else")
        }
    }

    @Test func verifyConfirmsTheComputedAddressOnlyWhenItIsThePersons() {
        #expect(
            decide(.verify, "wei.zhang@example.com", "E1001", accounts: [wei1], holders: [wei1])
                == .bind(address: "wei.zhang@example.com", adopted: false))
        // Their own mailbox is another address: verify refuses, adopt takes it.
        let differs = decide(.verify, "wei.zhang@example.com", "E1002", accounts: [wei2], holders: [wei1])
        #expect(code(differs) == "mailbox_of_someone_else")
        let elsewhere = decide(.verify, "w.zhang@example.com", "E1002", accounts: [wei2], holders: [])
        #expect(code(elsewhere) == "mailbox_differs")
        #expect(
            decide(.adopt, "wei.zhang@example.com", "E1002", accounts: [wei2], holders: [wei1])
                == .bind(address: "wei.zhang2@example.com", adopted: true))
    }

    @Test func adoptBindsThePrimaryAddressEvenWhenTheComputedOneIsAnAlias() {
        let fang = MailboxRecord(
            id: "u4", identity: "E1004", mail: "f.chen@example.com", proxyAddresses: ["SMTP:f.chen@example.com", "smtp:fang.chen@example.com"])
        #expect(
            decide(.adopt, "fang.chen@example.com", "E1004", accounts: [fang], holders: [fang]) == .bind(address: "f.chen@example.com", adopted: true)
        )
        #expect(
            decide(.verify, "fang.chen@example.com", "E1004", accounts: [fang], holders: [fang])
                == .bind(address: "fang.chen@example.com", adopted: false))
    }

    @Test func aPersonWithoutAMailboxWaitsAndAnAccountWithoutIdentityIsNotTrusted() {
        #expect(code(decide(.verify, "ming.wang@example.com", "E2001", accounts: [], holders: [])) == "mailbox_not_yet")
        #expect(code(decide(.adopt, "ming.wang@example.com", "E2001", accounts: [], holders: [])) == "mailbox_not_yet")
        let noMail = MailboxRecord(id: "u9", identity: "E2001", mail: nil)
        #expect(code(decide(.adopt, "ming.wang@example.com", "E2001", accounts: [noMail], holders: [])) == "mailbox_not_yet")
        let anonymous = MailboxRecord(id: "u8", identity: nil, mail: "ming.wang@example.com")
        #expect(code(decide(.verify, "ming.wang@example.com", "E2001", accounts: [], holders: [anonymous])) == "mailbox_owner_unconfirmed")
    }

    @Test func aDisabledOrAmbiguousAccountIsRefused() {
        var disabled = wei1
        disabled.enabled = false
        guard case .refuse(_, .disabled) = decide(.adopt, "wei.zhang@example.com", "E1001", accounts: [disabled], holders: [disabled]) else {
            Issue.record("a disabled account was not refused")
            return
        }
        var twin = wei2
        twin.identity = "E1001"
        guard case .refuse(_, .ambiguous) = decide(.verify, "wei.zhang@example.com", "E1001", accounts: [wei1, twin], holders: [wei1]) else {
            Issue.record("two accounts with one identity were not refused")
            return
        }
    }

    @Test func offBindsWithoutLooking() {
        #expect(
            decide(.off, "wei.zhang@example.com", "E2000", accounts: [], holders: [wei1]) == .bind(address: "wei.zhang@example.com", adopted: false))
    }
}
