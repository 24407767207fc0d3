import NIOCore
import Testing

@testable import DeferrableRedis

/// The three forms of a ready-list element, read without a server (the pop script reads the same bytes).
@Suite("Ready-list elements")
struct ReadyEntryTests {
    @Test("an inline element is NUL, id, NUL, envelope, and reads back as written")
    func inlineRoundTrip() {
        let payload = Array(#"{"v":1,"id":"a-1"}"#.utf8) + [0, 0xFF]  // NUL and any bytes may follow the id
        var writer = RESPWriter(capacity: 64)
        RedisReadyEntry.writeInline(id: "a-1", payload: payload, into: &writer)
        let written = Array(writer.buffer.readableBytesView)
        let element = [0] + Array("a-1".utf8) + [0] + payload
        #expect(RedisReadyEntry.inlineElement(id: "a-1", payload: payload) == element)
        #expect(written == Array("$\(element.count)\r\n".utf8) + element + Array("\r\n".utf8))
        #expect(RedisReadyEntry.inlineLength(id: "a-1", payload: payload) == element.count)
        #expect(RedisReadyEntry(element) == .inline(id: "a-1", payload: payload))
    }

    @Test("an empty element is a wake-up marker, any other element without a leading NUL is an id")
    func markerAndID() {
        #expect(RedisReadyEntry([]) == .wakeMarker)
        #expect(RedisReadyEntry(Array("6f1c3c1e".utf8)) == .id("6f1c3c1e"))
        #expect(RedisReadyEntry(Array("{not-inline}".utf8)) == .id("{not-inline}"))
    }

    @Test(
        "an inline element without a second NUL or with an empty id is malformed",
        arguments: [[0], [0, 0], [0, 0, 123], [0, 65, 66]] as [[UInt8]])
    func malformed(bytes: [UInt8]) {
        #expect(RedisReadyEntry(bytes) == .malformed(bytes))
    }
}
