import DeferrableTestSupport
import Testing

@testable import Deferrable

/// The result store's expiry order: FIFO for items in order, a heap for the rest, always earliest first.
@Suite("Expiry order")
struct ExpiryOrderTests {
    @Test("items come out earliest first, in order or not (fixed seed)")
    func earliestFirst() {
        var generator = SplitMix64(seed: 16)
        var order = ExpiryOrder()
        var expected: [Int64] = []
        var clock: Int64 = 1000
        for sequence in 0..<2000 {
            // Mostly rising (one TTL on a forward clock), sometimes earlier (another TTL, a clock step back).
            clock += Int64(generator.next() % 3)
            let at = generator.next() % 5 == 0 ? clock - Int64(generator.next() % 500) : clock
            order.insert(MemoryGroupState.TimedID(at: at, sequence: UInt64(sequence), id: "i\(sequence)"))
            expected.append(at)
        }
        #expect(order.count == 2000)
        var popped: [Int64] = []
        while let item = order.popMin() { popped.append(item.at) }
        #expect(popped == expected.sorted())
        #expect(order.min == nil)
    }

    @Test("filter keeps only what it accepts")
    func filter() {
        var order = ExpiryOrder()
        for (sequence, at) in [5, 3, 9, 1, 7].enumerated() {
            order.insert(MemoryGroupState.TimedID(at: Int64(at), sequence: UInt64(sequence), id: "\(at)"))
        }
        order.filter { $0.at != 3 && $0.at != 9 }
        var popped: [Int64] = []
        while let item = order.popMin() { popped.append(item.at) }
        #expect(popped == [1, 5, 7])
    }
}
