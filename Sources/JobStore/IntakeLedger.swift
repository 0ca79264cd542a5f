// IntakeLedger: the store's contract for accepted events: dedupe by event id, address uniqueness, new jobs.

public import Foundation
public import HireBindCore

/// Accepted events and the jobs they made. Every write is one transaction: an event makes one job or none.
public protocol IntakeLedger: Sendable {
    /// The receipt of the job an earlier delivery of this event created, if any.
    /// - Parameters:
    ///   - source: the configured source the event came through (event ids are unique per source).
    ///   - eventID: the sender's id of the event.
    func receipt(source: String, eventID: String) async throws -> JobReceipt?

    /// Which of `addresses` were ever handed out, lowercased (addresses are never released).
    func takenAddresses(among addresses: [String]) async throws -> Set<String>

    /// Writes the intake record, the reservation of `job.exchangeAccount` and the job in one transaction.
    /// Returns the first receipt when the event was seen before, and ``EnqueueOutcome/addressTaken(_:)``,
    /// writing nothing, when the address is held (compared case-insensitively): the uniqueness is the
    /// store's, decided atomically, so two concurrent intakes never share an address. With
    /// ``NewBindJob/reclaimsAddressOf`` the reservation of that former job moves to the new one instead, and
    /// ``EnqueueOutcome/addressTaken(_:)`` means the former job no longer holds the address.
    func enqueueBind(_ job: NewBindJob) async throws -> EnqueueOutcome

    /// Writes the intake record and an unbind job for the employee's latest bind job from the same source, in
    /// one transaction; a repeated event returns the first receipt.
    /// - Throws: ``UnknownEmployeeError`` when the source has no bind job for the employee.
    func enqueueUnbind(_ request: NewUnbindJob) async throws -> EnqueueOutcome

    /// Writes the intake record and a job that reads the person first (``HireBindCore/JobKind/readPerson``), due at
    /// `notBefore`, in one transaction; a repeated event returns the first receipt. No address is reserved yet.
    func enqueueRead(_ request: NewReadJob) async throws -> EnqueueOutcome

    /// Records an event whose person cannot be bound as a failed job of kind ``HireBindCore/JobKind/refused``
    /// carrying `failure`, with its intake record (a repeat returns the first receipt).
    func recordRefusal(source: String, eventID: String, employeeID: String, failure: JobFailure, receivedAt: Date) async throws -> EnqueueOutcome

    /// The source's employee's latest bind job, unless an unbind job has removed (or is removing) its binding.
    func activeBindJob(source: String, employeeID: String) async throws -> BindJob?

    /// The source's employee's latest bind job whose binding an unbind job removed (or is removing): the address a
    /// rehire may be given back. Nil when the person was never bound, or is bound now.
    func formerBindJob(source: String, employeeID: String) async throws -> BindJob?

    /// Every employee of the source whose binding exists (a succeeded bind job no unbind job targets), with that job's id.
    func boundEmployees(source: String) async throws -> [String: String]

    /// Forgets at most `limit` intake records received before `date`, oldest first, so that a repeat of such an
    /// old event makes a new job. Jobs, their addresses and histories stay. Returns how many records were removed.
    func purgeIntakes(receivedBefore date: Date, limit: Int) async throws -> Int
}
