/// Keeps at most one copy of a job identity (its name and canonical arguments, as debouncing computes it) in a group.
///
/// A unique job's id is derived from its identity, and its push is idempotent (``PushOptions/id``): while a copy is
/// queued, delayed or running, another `later()` with the same arguments pushes nothing and answers a receipt with
/// ``JobReceipt/Disposition-swift.enum/alreadyQueued``.
///
/// The release point is the moment the copy leaves the queue: it completed, was discarded, expired, or was moved to
/// the error queue. A retry or a reschedule keeps the copy (and so the uniqueness); a worker killed mid-run keeps it
/// until the lease lapses and the job runs again. Nothing can hold an identity after its job is gone, except the
/// period of ``forPeriod(_:)``, which the backend keeps with the job, in the same atomic step.
///
/// ```swift
/// try await reindex.later(Reindex(shop: id), options: PushOptions(unique: .whileQueuedOrRunning))
/// ```
public struct Uniqueness: Sendable, Hashable {
    /// How long the identity stays taken after a push that went in, beyond the copy's own stay in the queue.
    let period: Duration?

    private init(period: Duration?) {
        self.period = period
    }

    /// One copy at a time: released when the copy completes, is discarded, expires or fails to the error queue.
    public static let whileQueuedOrRunning = Uniqueness(period: nil)

    /// One accepted push per `period`: after a push goes in, pushes of the same identity push nothing for `period`,
    /// and for as long as the copy is queued, delayed or running if that is longer. `period`: 1 ms to
    /// ``EnvelopeBounds/longestDuration``.
    public static func forPeriod(_ period: Duration) -> Uniqueness {
        Uniqueness(period: period)
    }

    /// The id a unique job of `name` with `argsJSON` (canonical JSON) gets in `group`.
    static func id(group: String, name: String, argsJSON: [UInt8]) -> String {
        "unique-" + DebounceKey.make(group: group, name: name, argsJSON: argsJSON)
    }

    /// Why this value is out of range, if it is.
    var problem: String? {
        guard let period else { return nil }
        guard period >= .milliseconds(1), period <= EnvelopeBounds.longestDuration else {
            return "a uniqueness period must be between 1 ms and \(EnvelopeBounds.longestDuration)"
        }
        return nil
    }
}
