/// Why a job ended in the error queue.
///
/// Error records are plain text: the type name is only a label for people and tools, and no type is ever
/// looked up or instantiated from it.
public struct ErrorRecord: Sendable, Equatable, Codable {
    /// Name of the Swift type of the error (e.g. `"PaymentGatewayError"`), or a reason label such as
    /// `"MalformedEnvelope"`.
    public var type: String
    /// Human-readable message (`String(describing: error)`).
    public var message: String
    /// Runs made, including the one that failed.
    public var attempts: Int
    /// Host name of the worker that recorded the error.
    public var host: String
    /// When the error was recorded (epoch ms).
    public var at: Int64

    /// Creates an error record.
    public init(type: String, message: String, attempts: Int, host: String, at: Int64) {
        self.type = type
        self.message = message
        self.attempts = attempts
        self.host = host
        self.at = at
    }
}
