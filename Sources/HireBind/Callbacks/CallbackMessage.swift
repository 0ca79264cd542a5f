// CallbackMessage: the HR callback's wire format: the result's JSON body and its message id per outcome.

import Foundation
public import HireBindCore
public import JobStore

/// The one place a result becomes a callback message. Each result of a job is its own message, numbered after
/// the ones the job queued before (`hb_<job>_<n>`): a bind job's `bound` and `synced`, or a dead job's `failed`
/// and, after a retry, its `bound`. The id stays the same across delivery retries, so receivers drop repeats.
public enum CallbackMessage {
    /// The outbox entry for `result`, or nil when the job has nowhere to post it.
    public static func outbound(_ result: BindResult, for job: BindJob) -> OutboundCallback? {
        guard let url = job.callbackURL else { return nil }
        return OutboundCallback(messageID: messageID(jobID: job.id, number: job.callbacksQueued + 1), url: url, body: body(result))
    }

    public static func messageID(jobID: String, number: Int) -> String {
        "hb_\(jobID)_\(number)"
    }

    /// The JSON body: keys sorted, slashes unescaped (the receiver verifies the signature over these bytes).
    public static func body(_ result: BindResult) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // A result holds strings, numbers and booleans only: encoding it cannot fail.
        return Array((try? encoder.encode(result)) ?? Data())
    }
}
