/// The range every numeric field of an envelope must lie in (`docs/wire-format.md`, "Ranges").
///
/// ``EnvelopeCodec/decode(_:maxSize:)`` refuses a value outside its range with ``EnvelopeError/invalidField(_:)``
/// (the consumer sends the payload to the error queue as `MalformedEnvelope`), and job options are refused with
/// ``DeferrableError/invalidOption(job:reason:)`` beyond the same bounds, so an envelope this library writes is always
/// in range. Within these ranges no sum of a time and a duration comes near the limits of `Int64`.
public enum EnvelopeBounds {
    /// The longest duration an envelope or an option may carry: 100 years of 365.25 days, in milliseconds.
    public static let longestDurationMillis: Int64 = 3_155_760_000_000
    /// ``longestDurationMillis`` as a `Duration`.
    public static let longestDuration = Duration.milliseconds(longestDurationMillis)
    /// Times (`firstPushedAt`, `lastPushedAt`, `notBefore`), epoch ms: from the Unix epoch to 9999-12-31T23:59:59.999Z.
    public static let time: ClosedRange<Int64> = 0...253_402_300_799_999
    /// `ttl` and the backoff's `ms`: zero to ``longestDurationMillis``.
    public static let duration: ClosedRange<Int64> = 0...longestDurationMillis
    /// `timeLimit`: one millisecond to ``longestDurationMillis``.
    public static let timeLimit: ClosedRange<Int64> = 1...longestDurationMillis
    /// `resultTTL`: one millisecond to ``longestDurationMillis``.
    public static let resultTTL: ClosedRange<Int64> = 1...longestDurationMillis
    /// `attempts`: zero to 2³¹ − 1.
    public static let attempts: ClosedRange<Int64> = 0...Int64(Int32.max)
    /// `maxAttempts` (and ``JobOptions/maxAttempts``): one to 2³¹ − 1.
    public static let maxAttempts: ClosedRange<Int64> = 1...Int64(Int32.max)

    /// The name of the first numeric field of `envelope` outside its range, or `nil` when all are in range.
    static func fieldOutOfRange(in envelope: JobEnvelope) -> String? {
        if !attempts.contains(Int64(envelope.attempts)) { return "attempts" }
        if !maxAttempts.contains(Int64(envelope.maxAttempts)) { return "maxAttempts" }
        if !time.contains(envelope.firstPushedAt) { return "firstPushedAt" }
        if !time.contains(envelope.lastPushedAt) { return "lastPushedAt" }
        if let notBefore = envelope.notBefore, !time.contains(notBefore) { return "notBefore" }
        if let ttl = envelope.ttlMillis, !duration.contains(ttl) { return "ttl" }
        if let limit = envelope.timeLimitMillis, !timeLimit.contains(limit) { return "timeLimit" }
        if !duration.contains(envelope.backoff.millis) { return "backoff" }
        if let ttl = envelope.resultTTLMillis, !resultTTL.contains(ttl) { return "resultTTL" }
        return nil
    }
}
