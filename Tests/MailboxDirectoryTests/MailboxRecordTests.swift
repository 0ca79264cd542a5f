// MailboxRecordTests: which addresses a mailbox holds and which is its primary one.

import MailboxDirectory
import Testing

@Suite struct MailboxRecordTests {
    @Test func thePrimaryAddressIsTheUppercaseSMTPProxyElseMail() {
        let record = MailboxRecord(
            id: "1", identity: "E1", mail: "Old.Name@example.com",
            proxyAddresses: ["smtp:alias@example.com", "SMTP:New.Name@example.com", "X500:/o=Corp/cn=x", "SIP:new.name@example.com"])
        #expect(record.primaryAddress == "New.Name@example.com")
        #expect(record.smtpAddresses == ["old.name@example.com", "alias@example.com", "new.name@example.com"])
        #expect(record.holds("ALIAS@example.com"))
        #expect(!record.holds("new.name@example.org"))
        // X500 and SIP proxy addresses are no mailbox addresses.
        #expect(!record.smtpAddresses.contains { $0.hasPrefix("/o=") })
        #expect(MailboxRecord(id: "2", identity: nil, mail: "a@example.com").primaryAddress == "a@example.com")
        #expect(MailboxRecord(id: "3", identity: nil, mail: "").primaryAddress == nil)
    }
}
