/// Why a stored payload could not be read as a ``JobEnvelope``.
public enum EnvelopeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The payload is not a JSON object.
    case notJSON(String)
    /// The payload carries a version this library does not read.
    case unsupportedVersion(Int)
    /// A required field is missing or has the wrong type, or a numeric field is outside its range in ``EnvelopeBounds``.
    case invalidField(String)
    /// The payload is larger than the configured maximum envelope size.
    case tooLarge(size: Int, limit: Int)
    /// The envelope's id is not the id the job was queued under.
    case idMismatch(envelope: String, queued: String)

    public var description: String {
        switch self {
        case .notJSON(let detail): "payload is not a JSON envelope: \(detail)"
        case .unsupportedVersion(let version): "unsupported envelope version \(version) (this library reads v\(JobEnvelope.currentVersion))"
        case .invalidField(let field): "envelope field \(field) is missing or invalid"
        case .tooLarge(let size, let limit): "envelope of \(size) bytes exceeds the limit of \(limit) bytes"
        case .idMismatch(let envelope, let queued): "envelope id '\(envelope)' differs from the id '\(queued)' the job was queued under"
        }
    }
}
