import Testing

@testable import DeferrableRedis

@Suite("Redis Cluster hash slots")
struct HashSlotTests {
    @Test("CRC16 is XMODEM, as the Redis Cluster specification gives it")
    func crc16() {
        #expect(RedisHashSlot.crc16(Array("123456789".utf8)) == 0x31C3)
        #expect(RedisHashSlot.crc16([UInt8]()) == 0)
    }

    @Test("slots of known keys")
    func knownSlots() {
        #expect(RedisHashSlot(key: "foo").value == 12182)
        #expect(RedisHashSlot(key: "bar").value == 5061)
        #expect(RedisHashSlot(key: "").value == 0)
    }

    @Test("hash tags: the first non-empty {…} decides, as in the specification's examples")
    func hashTags() {
        let user = RedisHashSlot(key: "user1000")
        #expect(RedisHashSlot(key: "{user1000}.following") == user)
        #expect(RedisHashSlot(key: "{user1000}.followers") == user)
        #expect(RedisHashSlot(key: "foo{}{bar}") != RedisHashSlot(key: "bar"))
        #expect(RedisHashSlot(key: "foo{}{bar}").value == Int(RedisHashSlot.crc16(Array("foo{}{bar}".utf8)) & 16383))
        #expect(RedisHashSlot(key: "foo{{bar}}zap") == RedisHashSlot(key: "{bar"))
        #expect(RedisHashSlot(key: "foo{bar}{zap}") == RedisHashSlot(key: "bar"))
        #expect(RedisHashSlot(key: "no{tag") == RedisHashSlot(key: Array("no{tag".utf8)))
    }

    @Test("every key of a group shares the group's slot")
    func groupKeys() {
        let group = RedisHashSlot(key: "emails")
        for suffix in ["ready", "inbox", "delayed", "inflight", "jobs", "errors", "errors:payloads"] {
            #expect(RedisHashSlot(key: "deferrable:{emails}:\(suffix)") == group)
        }
    }

    @Test("slot numbers read from a server are range-checked")
    func checkedSlots() {
        #expect(RedisHashSlot(checking: 0)?.value == 0)
        #expect(RedisHashSlot(checking: 16383)?.value == 16383)
        #expect(RedisHashSlot(checking: 16384) == nil)
        #expect(RedisHashSlot(checking: -1) == nil)
    }
}
