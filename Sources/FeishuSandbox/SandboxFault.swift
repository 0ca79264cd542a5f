// SandboxFault: scripted and random faults the sandbox answers with instead of its normal answer.

/// A scripted answer the sandbox gives instead of its normal one, to rehearse Feishu's failures.
public enum SandboxFault: Sendable, Hashable {
    /// Answer with Feishu's error envelope.
    case error(httpStatus: Int, code: Int, msg: String)
    /// Answer with a body that is not JSON (a proxy's 502 page, say).
    case nonJSON(httpStatus: Int)
    /// Wait before answering normally.
    case delay(seconds: Double)
    /// Make the binding, then hold the answer back this long (past the client's timeout: the response is lost).
    case lostResponse(seconds: Double)
}
