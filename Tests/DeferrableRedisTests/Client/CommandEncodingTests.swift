import CHiredis
import DeferrableRedis
import NIOCore
import Testing

@Suite("RESP command encoding")
struct CommandEncodingTests {
    /// What hiredis's own formatter makes of `arguments`: the oracle for the Swift encoder.
    private static func hiredisFormat(_ arguments: [[UInt8]]) -> [UInt8] {
        var storage: [UInt8] = arguments.flatMap { $0 } + [0]
        let lengths = arguments.map(\.count)
        var offsets: [Int] = []
        var offset = 0
        for argument in arguments {
            offsets.append(offset)
            offset += argument.count
        }
        return storage.withUnsafeMutableBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var argv: [UnsafePointer<CChar>?] = offsets.map { base + $0 }
            var target: UnsafeMutablePointer<CChar>?
            let length = argv.withUnsafeMutableBufferPointer { argvBuffer in
                lengths.withUnsafeBufferPointer { lengthBuffer in
                    redisFormatCommandArgv(&target, Int32(argvBuffer.count), argvBuffer.baseAddress, lengthBuffer.baseAddress)
                }
            }
            defer { redisFreeCommand(target) }
            return Array(UnsafeRawBufferPointer(start: target, count: Int(length)))
        }
    }

    private static let cases: [[[UInt8]]] = [
        [Array("PING".utf8)],
        [Array("SET".utf8), Array("key".utf8), []],
        [Array("SET".utf8), [0, 13, 10, 255, 36, 42], Array("ünïcødé ✓".utf8)],
        [Array("HSET".utf8), Array("jobs".utf8)] + (0..<12).map { Array("field-\($0)".utf8) },
        [Array("SET".utf8), Array("big".utf8), [UInt8](repeating: 7, count: 100_000)],
    ]

    @Test("binary arguments encode exactly as hiredis formats them", arguments: cases)
    func binaryArguments(_ arguments: [[UInt8]]) {
        let encoded = RedisCommand(arguments).encoded
        #expect(Array(encoded.readableBytesView) == Self.hiredisFormat(arguments))
    }

    @Test("string arguments and name-plus-arguments forms encode the same bytes")
    func otherForms() {
        let strings = ["EVALSHA", "abc", "2", "k:{g}:1", "ünï"]
        let expected = Self.hiredisFormat(strings.map { Array($0.utf8) })
        #expect(Array(RedisCommand(strings).encoded.readableBytesView) == expected)
        #expect(Array(RedisCommand("EVALSHA", strings.dropFirst().map { Array($0.utf8) }).encoded.readableBytesView) == expected)
    }
}
