import Foundation

/// Options of one push, over the options the job was registered with.
///
/// ```swift
/// try await sendReminder.later(reminder, options: PushOptions(runAt: reminder.dueDate, ttl: .seconds(3600)))
/// ```
public struct PushOptions: Sendable {
    /// How long the job waits before it becomes runnable; replaces the registered delay.
    public var delay: Duration?
    /// When the job becomes runnable, by the instance's clock (a moment already past: at once); replaces the registered
    /// delay. Give `delay` or `runAt`, not both.
    public var runAt: Date?
    /// Attempts in all; replaces the registered value.
    public var maxAttempts: Int?
    /// How long after the push the job may still start; replaces the registered TTL.
    public var ttl: Duration?
    /// Extra metadata for this job's envelope (``JobContext/metadata``), beside what the instance's metadata providers
    /// add. A key that is also a provider's namespace is refused.
    public var metadata: [String: String]
    /// The job's id, chosen by the caller (for example an order number): the push is idempotent. While a job with
    /// this id is queued, delayed or running in the group, the push stores nothing and answers a receipt with
    /// ``JobReceipt/Disposition-swift.enum/alreadyQueued``; once that job has left the queue (completed, discarded,
    /// expired, or in the error queue) the id can be pushed again. Not empty, no NUL character; one job per push (not
    /// for `laterMany`); not with ``unique`` or a debounced job. Needs a backend whose queue is an
    /// ``IdempotentJobQueue`` (memory, Redis and PostgreSQL; SQS throws ``DeferrableError/jobIDsNotSupported(group:)``).
    public var id: String?
    /// At most one copy of this job's identity in the group; replaces the registered ``JobOptions/unique``.
    public var unique: Uniqueness?

    /// Creates options; every `nil` keeps the registered value.
    public init(
        delay: Duration? = nil, runAt: Date? = nil, maxAttempts: Int? = nil, ttl: Duration? = nil,
        metadata: [String: String] = [:], id: String? = nil, unique: Uniqueness? = nil
    ) {
        self.id = id
        self.unique = unique
        self.delay = delay
        self.runAt = runAt
        self.maxAttempts = maxAttempts
        self.ttl = ttl
        self.metadata = metadata
    }

    /// No options: everything as registered.
    static let none = PushOptions()

    var isEmpty: Bool {
        delay == nil && runAt == nil && maxAttempts == nil && ttl == nil && metadata.isEmpty && id == nil && unique == nil
    }
}
