// JobFailureMappingTests: the Feishu client's failures become job failures that tell the operator what to run.

import FeishuAPI
import HireBind
import HireBindCore
import Testing

@Suite struct JobFailureMappingTests {
    @Test func aDeadRefreshTokenTellsTheOperatorToLogIn() {
        let failure = JobFailure(OAuthError(code: 20026, httpStatus: 400, description: "invalid").failure)
        #expect(failure.code == "oauth_20026")
        #expect(failure.hint.contains("hirebind feishu login"))
    }

    @Test func everyCodeThatNeedsALoginSaysSoAndOthersDoNot() {
        for (code, _) in FeishuErrorCatalog.entries {
            let failure = FeishuCallError.api(code: code, message: "m", httpStatus: 400, logID: nil).jobFailure
            #expect(failure.hint.contains("hirebind feishu login") == FeishuErrorCatalog.needsLogin(code: code), "code \(code)")
        }
    }
}
