/// A collection's options could not work.
public struct InvalidCollectOptions: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public let reason: String

    public var description: String { "invalid collect options: \(reason)" }
}
