/// What a queue holds for a job: its encoded envelope, or (in a backend that keeps jobs in this process) the
/// envelope itself, which is encoded only if someone asks for the bytes.
///
/// The envelope case is boxed (`indirect`), so a payload is one pointer wide either way.
enum JobPayload: Sendable {
    /// The envelope's wire bytes, as pushed (they may be malformed).
    case encoded([UInt8])
    /// An envelope made in this process and never serialized.
    indirect case envelope(JobEnvelope)

    /// The wire bytes: encoded now for the envelope case (byte-identical to encoding it at push time).
    var bytes: [UInt8] {
        switch self {
        case .encoded(let bytes): bytes
        case .envelope(let envelope): EnvelopeCodec.encode(envelope)
        }
    }

    /// The envelope, when the payload is one.
    var envelope: JobEnvelope? {
        if case .envelope(let envelope) = self { envelope } else { nil }
    }
}

extension JobPayload {
    /// The job name the payload carries, read from its first ``JobEnvelope/nameHeadBytes`` bytes (as on every
    /// backend); `nil` when it is not there.
    var jobName: String? {
        switch self {
        case .encoded(let bytes): JobEnvelope.name(inPrefix: bytes.prefix(JobEnvelope.nameHeadBytes))
        case .envelope(let envelope): envelope.name
        }
    }
}
