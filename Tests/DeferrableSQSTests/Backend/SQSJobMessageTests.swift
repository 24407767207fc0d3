import Deferrable
import Foundation
import Testing

@testable import DeferrableSQS

/// How jobs become SQS messages and come back, without a server.
@Suite("SQS job messages")
struct SQSJobMessageTests {
    private func received(_ message: SQSClient.OutgoingMessage, receiveCount: Int = 1) -> SQSClient.ReceivedMessage {
        SQSClient.ReceivedMessage(
            messageID: "m-1", receiptHandle: "r-1", body: message.body, receiveCount: receiveCount, sentMilliseconds: 1,
            attributes: message.attributes)
    }

    @Test("a delay within 900 s is SQS's own, rounded up; a longer one is 900 s with the due time in an attribute")
    func delays() throws {
        let now: Int64 = 1_700_000_000_000
        let short = try SQSJobMessage.message(
            id: "a", payload: Array("p".utf8), reclaims: 0, delay: .milliseconds(1200), nowMillis: now,
            maximumNativeDelaySeconds: 900, limit: 1 << 20)
        #expect(short.delaySeconds == 2)
        #expect(short.attributes[SQSJobMessage.dueAttribute] == nil)
        let long = try SQSJobMessage.message(
            id: "b", payload: Array("p".utf8), reclaims: 0, delay: .seconds(2000), nowMillis: now,
            maximumNativeDelaySeconds: 900, limit: 1 << 20)
        #expect(long.delaySeconds == 900)
        #expect(SQSJobMessage.decode(received(long)).dueMillis == now + 2_000_000)
        let far = try SQSJobMessage.message(
            id: "c", payload: Array("p".utf8), reclaims: 0, delay: .seconds(Int64.max), nowMillis: now,
            maximumNativeDelaySeconds: 900, limit: 1 << 20)
        #expect(SQSJobMessage.decode(received(far)).dueMillis == .max, "saturates instead of trapping")
    }

    @Test("the id and the reclaims travel as attributes; the receive count adds the lapses of this message")
    func attributes() throws {
        let message = try SQSJobMessage.message(
            id: "job-7", payload: Array("{}".utf8), reclaims: 2, delay: .zero, nowMillis: 0, maximumNativeDelaySeconds: 900,
            limit: 1 << 20)
        let decoded = SQSJobMessage.decode(received(message, receiveCount: 3))
        #expect(decoded.id == "job-7")
        #expect(decoded.reclaimsBefore == 2)
        #expect(decoded.payload == Array("{}".utf8))
    }

    @Test("attributes from outside are range-checked: bad numbers are ignored, a missing id is the message id")
    func untrustedAttributes() {
        let message = SQSClient.ReceivedMessage(
            messageID: "m-9", receiptHandle: "r", body: "x", receiveCount: 1, sentMilliseconds: nil,
            attributes: [
                SQSJobMessage.reclaimsAttribute: "-5", SQSJobMessage.dueAttribute: "soon",
                SQSJobMessage.encodingAttribute: "base64", SQSJobMessage.errorAttribute: "{broken",
            ])
        let decoded = SQSJobMessage.decode(message)
        #expect(decoded.id == "m-9")
        #expect(decoded.reclaimsBefore == 0)
        #expect(decoded.dueMillis == nil)
        #expect(decoded.payload == Array("x".utf8), "a body that is not base64 is kept as it is")
        #expect(decoded.error == nil)
    }

    @Test("the size counts the body and every attribute's name, type and value; over the limit is a typed error")
    func size() throws {
        let message = try SQSJobMessage.message(
            id: "s", payload: Array("abc".utf8), reclaims: 0, delay: .zero, nowMillis: 0, maximumNativeDelaySeconds: 900,
            limit: 1 << 20)
        #expect(SQSJobMessage.size(of: message) == 3 + "deferrable.id".utf8.count + 6 + 1)
        #expect(throws: SQSBackendError.messageTooLarge(id: "s", size: 23, limit: 22)) {
            try SQSJobMessage.message(
                id: "s", payload: Array("abc".utf8), reclaims: 0, delay: .zero, nowMillis: 0, maximumNativeDelaySeconds: 900,
                limit: 22)
        }
    }
}
