import Synchronization

/// Makes job ids: version 4 UUIDs in lowercase text form.
///
/// Foundation's `UUID()` opens and reads `/dev/urandom` on every call on Linux, and even the system random number
/// generator costs a system call per 64 bits. A push-heavy producer needs neither: ids must be unique, not secret
/// (they are visible in the queue). So each id is made from a process-wide counter, offset by a 128-bit random seed
/// drawn once per process and passed through SplitMix64's finaliser (a bijection with good avalanche), formatted
/// with a fixed layout without any allocation besides the string. The 122 bits left after the version and variant
/// bits are as unlikely to repeat as those of a random UUID, within a process and across processes.
enum JobID {
    private static let seed: (UInt64, UInt64) = {
        var generator = SystemRandomNumberGenerator()
        return (generator.next(), generator.next())
    }()
    private static let counter = Atomic<UInt64>(0)

    /// SplitMix64's finaliser: a bijection on 64-bit values with good avalanche.
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A new id such as `3f2a9c4e-8b1d-4e5f-9a7b-0c6d2e1f4a8b`.
    static func make() -> String {
        let count = counter.wrappingAdd(1, ordering: .relaxed).newValue
        var high = mix(count &+ seed.0)
        var low = mix(count ^ seed.1)
        high = (high & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000  // version 4
        low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000  // RFC 4122 variant
        return String(unsafeUninitializedCapacity: 36) { buffer in
            // 8-4-4-4-12 hex digits: `high` fills the first three groups, `low` the last two.
            var index = 0
            func put(_ value: UInt64, from first: Int, to last: Int) {
                for nibble in first..<last {
                    let digit = UInt8(truncatingIfNeeded: (value >> UInt64(60 - nibble * 4)) & 0xF)
                    buffer[index] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
                    index += 1
                }
            }
            func dash() {
                buffer[index] = UInt8(ascii: "-")
                index += 1
            }
            put(high, from: 0, to: 8)
            dash()
            put(high, from: 8, to: 12)
            dash()
            put(high, from: 12, to: 16)
            dash()
            put(low, from: 0, to: 4)
            dash()
            put(low, from: 4, to: 16)
            return index
        }
    }
}
