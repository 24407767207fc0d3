import Deferrable
import Foundation

/// How a job travels as an SQS message: the envelope is the body, and string message attributes carry what SQS does
/// not keep itself.
///
/// - `deferrable.id`: the job id (a message sent by something else is addressed by its SQS message id).
/// - `deferrable.reclaims`: lapsed leases counted before this message was sent; SQS's `ApproximateReceiveCount` adds
///   the ones of this message.
/// - `deferrable.due`: for a delay beyond SQS's 900 s, the epoch milliseconds the job is due; a message received
///   before then is sent again with the remaining delay.
/// - `deferrable.encoding`: `base64` when the payload holds bytes an SQS body cannot carry.
/// - `deferrable.error`: on the error queue, the ``ErrorRecord`` as JSON.
enum SQSJobMessage {
    static let idAttribute = "deferrable.id"
    static let reclaimsAttribute = "deferrable.reclaims"
    static let dueAttribute = "deferrable.due"
    static let encodingAttribute = "deferrable.encoding"
    static let errorAttribute = "deferrable.error"
    /// The longest error message kept on the error queue, in UTF-8 bytes (the rest is cut).
    static let maximumErrorMessageBytes = 8192

    /// A received message read back as a job.
    struct Decoded: Sendable {
        var id: String
        var payload: [UInt8]
        /// Lapsed leases before this message was sent (range-checked; a value that does not read counts as 0).
        var reclaimsBefore: Int
        var dueMillis: Int64?
        var error: ErrorRecord?
    }

    /// The message of a job due `delay` from `nowMillis`.
    static func message(
        id: String, payload: [UInt8], reclaims: Int, delay: Duration, nowMillis: Int64, maximumNativeDelaySeconds: Int,
        limit: Int
    ) throws(SQSBackendError) -> SQSClient.OutgoingMessage {
        var attributes = [idAttribute: id]
        if reclaims > 0 { attributes[reclaimsAttribute] = String(reclaims) }
        let delayMillis = max(0, delay.wholeMilliseconds)
        let delaySeconds = SQSTiming.wholeSeconds(roundingUp: delayMillis)
        let sent: Int
        if delaySeconds <= maximumNativeDelaySeconds {
            sent = delaySeconds
        } else {
            sent = maximumNativeDelaySeconds
            attributes[dueAttribute] = String(nowMillis.addingSaturated(delayMillis))
        }
        return try message(id: id, payload: payload, attributes: attributes, delaySeconds: sent, limit: limit)
    }

    /// The error queue's message of a job that failed for good.
    static func deadMessage(id: String, payload: [UInt8], error: ErrorRecord, limit: Int) throws(SQSBackendError)
        -> SQSClient.OutgoingMessage
    {
        var record = error
        if record.message.utf8.count > maximumErrorMessageBytes {
            record.message = String(decoding: record.message.utf8.prefix(maximumErrorMessageBytes), as: UTF8.self) + "…"
        }
        let json = (try? JSONEncoder().encode(record)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return try message(
            id: id, payload: payload, attributes: [idAttribute: id, errorAttribute: json], delaySeconds: 0, limit: limit)
    }

    private static func message(
        id: String, payload: [UInt8], attributes: [String: String], delaySeconds: Int, limit: Int
    ) throws(SQSBackendError) -> SQSClient.OutgoingMessage {
        var attributes = attributes
        let body: String
        if let text = String(validating: payload, as: UTF8.self), text.unicodeScalars.allSatisfy(isAllowedInBody) {
            body = text
        } else {
            body = Data(payload).base64EncodedString()
            attributes[encodingAttribute] = "base64"
        }
        let message = SQSClient.OutgoingMessage(body: body, delaySeconds: delaySeconds, attributes: attributes)
        let size = self.size(of: message)
        guard size <= limit else { throw .messageTooLarge(id: id, size: size, limit: limit) }
        return message
    }

    /// The size SQS counts against its limit: the body, and each attribute's name, data type and value.
    static func size(of message: SQSClient.OutgoingMessage) -> Int {
        message.attributes.reduce(message.body.utf8.count) { total, attribute in
            total + attribute.key.utf8.count + "String".utf8.count + attribute.value.utf8.count
        }
    }

    /// SQS bodies may hold #x9, #xA, #xD, #x20 to #xD7FF, #xE000 to #xFFFD and #x10000 to #x10FFFF.
    private static func isAllowedInBody(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    /// Reads a received message. Nothing in it is trusted: a body that does not decode is kept as its bytes (the
    /// consumer then sends it to the error queue as malformed), and numbers out of range are ignored.
    static func decode(_ message: SQSClient.ReceivedMessage) -> Decoded {
        let attributes = message.attributes
        var payload = Array(message.body.utf8)
        if attributes[encodingAttribute] == "base64", let data = Data(base64Encoded: message.body) {
            payload = Array(data)
        }
        let id = attributes[idAttribute].flatMap { $0.isEmpty ? nil : $0 } ?? message.messageID
        let reclaims = attributes[reclaimsAttribute].flatMap { Int($0) }.flatMap { (0...1_000_000).contains($0) ? $0 : nil } ?? 0
        let due = attributes[dueAttribute].flatMap { Int64($0) }.flatMap { $0 > 0 ? $0 : nil }
        let error = attributes[errorAttribute].flatMap { try? JSONDecoder().decode(ErrorRecord.self, from: Data($0.utf8)) }
        return Decoded(id: id, payload: payload, reclaimsBefore: reclaims, dueMillis: due, error: error)
    }
}
