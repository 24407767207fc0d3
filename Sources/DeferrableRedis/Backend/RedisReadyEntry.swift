/// One element of a group's ready list (`P:{G}:ready`) or inbox (`P:{G}:inbox`).
///
/// | form | bytes | meaning |
/// |---|---|---|
/// | id | the job id | the job's envelope is in the `jobs` hash (retries, reclaims, delayed jobs made due, requeues) |
/// | inline | `NUL`, job id, `NUL`, envelope | the job whole: a job runnable at once is pushed with one `LPUSH` |
/// | wake marker | empty | no job: wakes one idle consumer so it recomputes its wait (a delayed job became the next due) |
///
/// An id is never empty and never contains a `NUL` byte (`OutgoingJob.validate(id:)`), so the three forms cannot be
/// confused. The pop script reads the same forms (``RedisScript/settleAndPop``); an inline element whose id cannot be
/// read is kept as a job under a made-up id and reaches the error queue as a malformed envelope, never dropped.
package enum RedisReadyEntry: Equatable, Sendable {
    case id(String)
    case inline(id: String, payload: [UInt8])
    case wakeMarker
    /// An inline element without a readable id (no second `NUL`, or an empty id).
    case malformed([UInt8])

    /// Reads one element.
    init(_ bytes: [UInt8]) {
        guard let first = bytes.first else {
            self = .wakeMarker
            return
        }
        guard first == 0 else {
            self = .id(String(decoding: bytes, as: UTF8.self))
            return
        }
        guard let separator = bytes[1...].firstIndex(of: 0), separator > 1 else {
            self = .malformed(bytes)
            return
        }
        self = .inline(
            id: String(decoding: bytes[1..<separator], as: UTF8.self), payload: Array(bytes[(separator + 1)...]))
    }

    /// The inline element of a job, as bytes (``writeInline(id:payload:into:)`` writes the same into a command).
    package static func inlineElement(id: String, payload: [UInt8]) -> [UInt8] {
        var element = separator
        element.reserveCapacity(inlineLength(id: id, payload: payload))
        element += id.utf8
        element += separator
        element += payload
        return element
    }

    /// The length of the inline element of a job.
    static func inlineLength(id: String, payload: [UInt8]) -> Int {
        id.utf8.count + payload.count + 2
    }

    /// Writes the inline element of a job as one command argument.
    static func writeInline(id: String, payload: [UInt8], into writer: inout RESPWriter) {
        writer.beginBulk(length: inlineLength(id: id, payload: payload))
        writer.part(separator)
        writer.part(id)
        writer.part(separator)
        writer.part(payload)
        writer.endBulk()
    }

    private static let separator: [UInt8] = [0]
}
