// TransportFailure: what a failed HTTP call (no answer at all) is called in messages.

public import AsyncHTTPClient

/// Names a call that got no answer (refused, timed out, reset) for a job's error or a log line: the HTTP
/// client's own description, or the first 200 characters of any other error's.
public enum TransportFailure {
    public static func reason(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return "\(error)" }
        return String(describing: error).prefix(200).description
    }
}
