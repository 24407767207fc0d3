/// The protocol form of a job that returns a value: a type that is its own arguments.
///
/// ```swift
/// struct Resize: DeferrableResultJob {
///     static let name = "resize"
///     let photoID: Int
///     func run(context: JobContext) async throws -> Thumbnail { … }
/// }
/// let resize = try deferrable.register(Resize.self)
/// let thumbnail = try await resize.later(Resize(photoID: 7)).result(waitingUpTo: .seconds(5))
/// ```
public protocol DeferrableResultJob: Codable, Sendable {
    /// What the job returns.
    associatedtype Value: Codable & Sendable
    /// The unique registered name; part of the wire format, so keep it stable across deploys.
    static var name: String { get }
    /// Options of this job; defaults to none (the instance defaults apply).
    static var options: JobOptions { get }
    /// Runs the job; the value is stored for the job's futures.
    func run(context: JobContext) async throws -> Value
}

extension DeferrableResultJob {
    /// No job-specific options.
    public static var options: JobOptions { JobOptions() }
}
