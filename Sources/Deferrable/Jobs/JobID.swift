/// Makes job ids: random (version 4) UUIDs in lowercase text form.
///
/// Foundation's `UUID()` opens and reads `/dev/urandom` on every call on Linux; this reads 128 bits from the
/// system random number generator instead, which is what a push-heavy producer needs.
enum JobID {
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// A new random id such as `3f2a9c4e-8b1d-4e5f-9a7b-0c6d2e1f4a8b`.
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        var high = generator.next() as UInt64
        var low = generator.next() as UInt64
        high = (high & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000  // version 4
        low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000  // RFC 4122 variant
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var index = 0
            func put(_ value: UInt64, nibbles: Int, dashesAfter: Set<Int>) {
                for nibble in 0..<nibbles {
                    buffer[index] = hex[Int((value >> UInt64(60 - nibble * 4)) & 0xF)]
                    index += 1
                    if dashesAfter.contains(nibble) {
                        buffer[index] = UInt8(ascii: "-")
                        index += 1
                    }
                }
            }
            put(high, nibbles: 16, dashesAfter: [7, 11])
            buffer[index] = UInt8(ascii: "-")
            index += 1
            put(low, nibbles: 16, dashesAfter: [3])
            return index
        }
    }
}
