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
/// - `deferrable.truncated`: on the error queue, the full size of a payload that was cut to fit.
enum SQSJobMessage {
    static let idAttribute = "deferrable.id"
    static let reclaimsAttribute = "deferrable.reclaims"
    static let dueAttribute = "deferrable.due"
    static let encodingAttribute = "deferrable.encoding"
    static let errorAttribute = "deferrable.error"
    static let truncatedAttribute = "deferrable.truncated"
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

    /// Room a pushed job leaves below the limit, so that its retries (a slightly longer envelope, a reclaims
    /// attribute) still fit.
    static let settlementHeadroom = 512

    /// The error queue's message of a job that failed for good. It always fits within `limit`: the error message is
    /// cut to the room left (at most ``maximumErrorMessageBytes``), and a payload that does not fit even then is cut,
    /// with `deferrable.truncated` giving its full size, so that a failed job never stays stuck for want of room.
    static func deadMessage(id: String, payload: [UInt8], error: ErrorRecord, limit: Int) -> SQSClient.OutgoingMessage {
        var record = error
        record.type = sanitized(record.type)
        record.host = sanitized(record.host)
        let fullMessage = sanitized(record.message)
        var room = maximumErrorMessageBytes
        var payload = payload
        var truncatedFrom: Int?
        while true {
            record.message = cut(fullMessage, toBytes: room)
            let json = (try? JSONEncoder().encode(record)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            var attributes = [idAttribute: sanitized(id), errorAttribute: json]
            if let truncatedFrom { attributes[truncatedAttribute] = String(truncatedFrom) }
            let message = encoded(payload: payload, attributes: attributes, delaySeconds: 0)
            let excess = size(of: message) - limit
            // Nothing left to cut: SQS refuses it, with a typed error.
            if excess <= 0 || (room == 0 && payload.isEmpty) { return message }
            if room > 0 {
                room = max(0, room - excess - 8)
            } else {
                truncatedFrom = truncatedFrom ?? payload.count
                // Base64 grows the payload by a third: cut a little more than the excess.
                payload = Array(payload.prefix(max(0, payload.count - excess - excess / 2 - 64)))
            }
        }
    }

    /// `text` cut to at most `bytes` UTF-8 bytes on a character boundary, with `…` when cut.
    private static func cut(_ text: String, toBytes bytes: Int) -> String {
        guard text.utf8.count > bytes else { return text }
        var kept = ""
        var used = 0
        for character in text {
            let length = character.utf8.count
            guard used + length <= max(0, bytes - 3) else { break }
            kept.append(character)
            used += length
        }
        return kept + "…"
    }

    /// `text` with every character SQS does not carry in an attribute replaced by U+FFFD.
    static func sanitized(_ text: String) -> String {
        guard !text.unicodeScalars.allSatisfy(isAllowedInBody) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { isAllowedInBody($0) ? $0 : "\u{FFFD}" }))
    }

    /// Whether SQS can carry `id` as an attribute value.
    static func isCarriable(id: String) -> Bool {
        id.unicodeScalars.allSatisfy(isAllowedInBody)
    }

    private static func message(
        id: String, payload: [UInt8], attributes: [String: String], delaySeconds: Int, limit: Int
    ) throws(SQSBackendError) -> SQSClient.OutgoingMessage {
        let message = encoded(payload: payload, attributes: attributes, delaySeconds: delaySeconds)
        let size = self.size(of: message)
        guard size <= limit else { throw .messageTooLarge(id: id, size: size, limit: limit) }
        return message
    }

    /// The message of `payload`: its text when SQS can carry it, else base64 (`deferrable.encoding=base64`); an empty
    /// payload, which SQS cannot send as a body, is `-` with `deferrable.encoding=empty`.
    private static func encoded(payload: [UInt8], attributes: [String: String], delaySeconds: Int) -> SQSClient.OutgoingMessage {
        var attributes = attributes
        let body: String
        if payload.isEmpty {
            body = "-"
            attributes[encodingAttribute] = "empty"
        } else if let text = String(validating: payload, as: UTF8.self), text.unicodeScalars.allSatisfy(isAllowedInBody) {
            body = text
        } else {
            body = Data(payload).base64EncodedString()
            attributes[encodingAttribute] = "base64"
        }
        return SQSClient.OutgoingMessage(body: body, delaySeconds: delaySeconds, attributes: attributes)
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
        } else if attributes[encodingAttribute] == "empty" {
            payload = []
        }
        let id = attributes[idAttribute].flatMap { $0.isEmpty ? nil : $0 } ?? message.messageID
        let reclaims = attributes[reclaimsAttribute].flatMap { Int($0) }.flatMap { (0...1_000_000).contains($0) ? $0 : nil } ?? 0
        let due = attributes[dueAttribute].flatMap { Int64($0) }.flatMap { $0 > 0 ? $0 : nil }
        let error = attributes[errorAttribute].flatMap { try? JSONDecoder().decode(ErrorRecord.self, from: Data($0.utf8)) }
        return Decoded(id: id, payload: payload, reclaimsBefore: reclaims, dueMillis: due, error: error)
    }
}
