/// A job's name, argument type and options, declared once and shared by the code that pushes it and the code that runs
/// it, so that a producer needs no body.
///
/// ```swift
/// enum Jobs {
///     static let welcome = JobName<Int>("send-welcome", options: JobOptions(maxAttempts: 5))
/// }
/// // In the web app: push without registering a body.
/// try await deferrable.later(Jobs.welcome, 42)
/// // In the worker: register the body under the same name.
/// try deferrable.register(Jobs.welcome) { userID, context in /* … */ }
/// ```
public struct JobName<Args: Codable & Sendable>: Sendable, CustomStringConvertible {
    /// The name written into every envelope; keep it stable across deploys.
    public let name: String
    /// The job's options, used by pushes and runs alike.
    public let options: JobOptions

    /// Declares a job.
    public init(_ name: String, argumentType: Args.Type = Args.self, options: JobOptions = JobOptions()) {
        self.name = name
        self.options = options
    }

    /// The name.
    public var description: String { name }
}
