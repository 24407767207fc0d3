import Deferrable
import Foundation

/// A job pushed through an instance of a ``DeferrableTestKit``, as its envelope said when it was pushed.
public struct PushedJob: Sendable {
    /// The job id.
    public let id: String
    /// The job name.
    public let name: String
    /// The group it was pushed to.
    public let group: String
    /// The arguments as the producer encoded them (canonical JSON).
    public let argumentsJSON: [UInt8]
    /// When it becomes runnable (epoch ms of the kit's clock).
    public let runnableAt: Int64
    /// Its envelope's metadata.
    public let metadata: [String: String]
    /// Attempts in all.
    public let maxAttempts: Int

    init(_ envelope: JobEnvelope) {
        id = envelope.id
        name = envelope.name
        group = envelope.group
        argumentsJSON = envelope.argsJSON
        runnableAt = envelope.runnableAt
        metadata = envelope.metadata
        maxAttempts = envelope.maxAttempts
    }

    /// The arguments decoded as `Args`, as a consumer decodes them.
    /// - Throws: the decoding error when they are not an `Args`.
    public func arguments<Args: Decodable>(as type: Args.Type = Args.self) throws -> Args {
        try JSONDecoder().decode(Args.self, from: Data(argumentsJSON))
    }
}
