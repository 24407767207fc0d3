/// The Redis Cluster hash slot of a key: CRC16 (XMODEM) of the key, or of its hash tag, modulo 16384.
///
/// The hash tag is the part between the first `{` and the first `}` after it, when that part is not empty
/// (`deferrable:{emails}:ready` → `emails`), so every key of a group lands in one slot.
struct RedisHashSlot: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The number of slots in a Redis Cluster.
    static let count = 16_384

    /// 0 ..< 16384.
    let value: Int

    /// The slot of `key`.
    init<Bytes: Collection<UInt8>>(key: Bytes) {
        let hashed = Self.hashTag(of: key) ?? key[...]
        value = Int(Self.crc16(hashed) & UInt16(Self.count - 1))
    }

    /// The slot of a UTF-8 key.
    init(key: String) {
        self.init(key: Array(key.utf8))
    }

    /// A slot number read from a server, if it is in range.
    init?(checking value: Int) {
        guard (0..<Self.count).contains(value) else { return nil }
        self.value = value
    }

    static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }

    var description: String { "slot \(value)" }

    /// The bytes between the first `{` and the next `}`, if there are any.
    static func hashTag<Bytes: Collection<UInt8>>(of key: Bytes) -> Bytes.SubSequence? {
        guard let open = key.firstIndex(of: UInt8(ascii: "{")) else { return nil }
        let afterOpen = key.index(after: open)
        guard let close = key[afterOpen...].firstIndex(of: UInt8(ascii: "}")), close != afterOpen else { return nil }
        return key[afterOpen..<close]
    }

    /// CRC16-CCITT (XMODEM: polynomial 0x1021, initial value 0), as Redis Cluster specifies.
    static func crc16<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc = (crc << 8) ^ table[Int(UInt8(truncatingIfNeeded: crc >> 8) ^ byte)]
        }
        return crc
    }

    private static let table: [UInt16] = (0..<256).map { index in
        var crc = UInt16(index) << 8
        for _ in 0..<8 {
            crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1
        }
        return crc
    }
}
