import Foundation

/// What `later()` did.
public struct JobReceipt: Sendable, Equatable {
    /// How the push was decided.
    public enum Disposition: Sendable, Equatable {
        /// Pushed, runnable at once.
        case pushedNow
        /// Pushed, runnable after a delay.
        case delayed
        /// Debounced: joined a pending copy (the receipt's id is that copy's), nothing was pushed.
        case joined
        /// Debounced: pushed the pending copy (the receipt's id) back to ``JobReceipt/runnableAt``.
        case extended
        /// Nothing was pushed: a job with the receipt's id (chosen with ``PushOptions/id``, or derived from the
        /// arguments of a unique job) was queued, delayed or running, or a uniqueness period held the id. The
        /// receipt's ``JobReceipt/runnableAt`` is what this push asked for; the queued copy keeps its own.
        case alreadyQueued
    }

    /// The job id.
    public let id: String
    /// The job name.
    public let name: String
    /// The group it was pushed to.
    public let group: String
    /// When the job becomes runnable (producer clock, epoch ms).
    public let runnableAt: Int64
    /// How the push was decided.
    public let disposition: Disposition

    /// ``runnableAt`` as a `Date`.
    public var runnableDate: Date {
        Date(timeIntervalSince1970: Double(runnableAt) / 1000)
    }
}
