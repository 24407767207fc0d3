@_spi(Testing) import Deferrable
import Testing

/// A million stored results on the in-memory backend: once their TTL passes, the store gives its storage back.
@Suite("Memory result expiry")
struct MemoryResultExpiryTests {
    @Test("1,000,000 results with a short TTL: once it passes the store is back to its starting size")
    func millionExpire() async throws {
        let clock = ManualClock()
        // Through the queue's settlement path (the consumer's own work per job is covered elsewhere).
        let factory = MemoryBackendFactory(clock: clock)
        let backend = try factory.makeBackend(group: "results")
        let queue = backend.queue
        #expect(factory.resultStorage(group: "results").capacity == 0)
        let total = 1_000_000
        let record = StoredResult(record: Array(#"{"v":1}"#.utf8), ttl: .seconds(1))
        var settled = 0
        for start in stride(from: 0, to: total, by: 10_000) {
            try await queue.pushBatch((start..<start + 10_000).map { OutgoingJob(id: "j\($0)", payload: [], keepsResult: true) })
            while let job = try await queue.pop(lease: .seconds(30), waitingUpTo: .zero) {
                if try await queue.settle(job, .complete(result: record)) { settled += 1 }
            }
        }
        #expect(settled == total)
        let full = factory.resultStorage(group: "results")
        #expect(full.entries == total)
        clock.advance(by: .seconds(2))
        #expect(try await backend.results?.count() == 0)
        let emptied = factory.resultStorage(group: "results")
        #expect(emptied.entries == 0)
        #expect(emptied.expiries == 0)
        #expect(emptied.capacity < 2048, "the storage is given back (it held \(full.capacity))")
    }
}
