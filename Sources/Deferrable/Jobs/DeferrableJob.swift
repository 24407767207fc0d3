/// The protocol form of a job: a type that is its own arguments.
///
/// ```swift
/// struct SendWelcomeEmail: DeferrableJob {
///     static let name = "send-welcome-email"
///     let userID: Int
///     func run(context: JobContext) async throws { … }
/// }
/// let sendWelcome = try deferrable.register(SendWelcomeEmail.self)
/// try await sendWelcome.later(SendWelcomeEmail(userID: 42))
/// ```
public protocol DeferrableJob: Codable, Sendable {
    /// The unique registered name; part of the wire format, so keep it stable across deploys.
    static var name: String { get }
    /// Options of this job; defaults to none (the instance defaults apply).
    static var options: JobOptions { get }
    /// Runs the job.
    func run(context: JobContext) async throws
}

extension DeferrableJob {
    /// No job-specific options.
    public static var options: JobOptions { JobOptions() }
}
