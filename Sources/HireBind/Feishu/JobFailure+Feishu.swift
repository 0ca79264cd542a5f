// JobFailure+Feishu: the Feishu client's failures as job failures, with how to sign in again where that is the fix.

public import FeishuAPI
public import HireBindCore

extension JobFailure {
    /// What a tenant super admin does when only a new login helps.
    public static let loginRemedy = "Run `hirebind feishu login --config <file>` as a tenant super admin; jobs wait until then."

    /// The client's failure in the job's words: the login command is added where a new login is the fix.
    public init(_ failure: FeishuFailure) {
        self.init(code: failure.code, message: failure.message, hint: failure.needsLogin ? failure.hint + " " + Self.loginRemedy : failure.hint)
    }
}

extension FeishuCallError {
    /// The failure as the job history, `/readyz` and the HR callback show it.
    public var jobFailure: JobFailure { JobFailure(failure) }
}
