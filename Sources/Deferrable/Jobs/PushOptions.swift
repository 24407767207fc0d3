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

    /// Creates options; every `nil` keeps the registered value.
    public init(
        delay: Duration? = nil, runAt: Date? = nil, maxAttempts: Int? = nil, ttl: Duration? = nil,
        metadata: [String: String] = [:]
    ) {
        self.delay = delay
        self.runAt = runAt
        self.maxAttempts = maxAttempts
        self.ttl = ttl
        self.metadata = metadata
    }

    /// No options: everything as registered.
    static let none = PushOptions()

    var isEmpty: Bool {
        delay == nil && runAt == nil && maxAttempts == nil && ttl == nil && metadata.isEmpty
    }
}
