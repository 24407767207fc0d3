import Deferrable
import DeferrableTestSupport
import Testing

@Suite("Request coalescing")
struct RequestCoalescerTests {
    struct Boom: Error, Equatable {}

    /// Records every batch sent; the first batch waits for `gate`.
    final class Recorder: Sendable {
        let batches = Locked<[[Int]]>([])
        let gate = AsyncGate()

        func send(_ requests: [Int]) async throws -> [Int] {
            let isFirst = batches.withLock { batches in
                batches.append(requests)
                return batches.count == 1
            }
            if isFirst { await gate.wait() }
            if requests.contains(-1) { throw Boom() }
            return requests.map { $0 * 10 }
        }
    }

    @Test("a lone call goes out alone and at once")
    func loneCall() async throws {
        let recorder = Recorder()
        recorder.gate.open()
        let coalescer = RequestCoalescer<Int, Int>(maxBatch: 8, maxInFlight: 1) { try await recorder.send($0) }
        #expect(try await coalescer.submit(3) == 30)
        #expect(try await coalescer.submit(4) == 40)
        #expect(recorder.batches.withLock { $0 } == [[3], [4]])
    }

    @Test("calls made while a batch is in flight go out together, each with its own response")
    func coalesces() async throws {
        let recorder = Recorder()
        let coalescer = RequestCoalescer<Int, Int>(maxBatch: 4, maxInFlight: 1) { try await recorder.send($0) }
        let first = Task { try await coalescer.submit(1) }
        try await eventually("the first batch to go out") { recorder.batches.withLock { $0.count } == 1 }
        let queued = (2...7).map { value in Task { try await coalescer.submit(value) } }
        // Nothing else goes out while the first batch is in flight.
        try await eventually("the calls to queue behind it") { coalescer.queuedCount == 6 }
        #expect(recorder.batches.withLock { $0.count } == 1)
        recorder.gate.open()
        #expect(try await first.value == 10)
        for (index, task) in queued.enumerated() {
            #expect(try await task.value == (index + 2) * 10)
        }
        let batches = recorder.batches.withLock { $0 }
        // 6 queued calls with maxBatch 4: two batches after the first, 4 then 2, every call exactly once.
        #expect(batches.map(\.count) == [1, 4, 2])
        #expect(batches.flatMap { $0 }.sorted() == Array(1...7))
    }

    @Test("a failed batch fails every call in it, and only those")
    func failurePropagates() async throws {
        let recorder = Recorder()
        let coalescer = RequestCoalescer<Int, Int>(maxBatch: 8, maxInFlight: 1) { try await recorder.send($0) }
        let first = Task { try await coalescer.submit(1) }
        try await eventually("the first batch to go out") { recorder.batches.withLock { $0.count } == 1 }
        let poisoned = [Task { try await coalescer.submit(-1) }, Task { try await coalescer.submit(5) }]
        try await eventually("the calls to queue behind it") { coalescer.queuedCount == 2 }
        recorder.gate.open()
        #expect(try await first.value == 10)
        for task in poisoned {
            await #expect(throws: Boom.self) { try await task.value }
        }
        #expect(try await coalescer.submit(6) == 60)
    }

    @Test("a batch stops before its byte limit, but always takes at least one call")
    func byteLimit() async throws {
        let recorder = Recorder()
        let coalescer = RequestCoalescer<Int, Int>(
            maxBatch: 10, maxBytes: 10, size: { $0 }, maxInFlight: 1, send: { try await recorder.send($0) })
        let first = Task { try await coalescer.submit(1) }
        try await eventually("the first batch to go out") { recorder.batches.withLock { $0.count } == 1 }
        var queued: [Task<Int, any Error>] = []
        for (index, value) in [6, 6, 3, 20, 2].enumerated() {
            queued.append(Task { try await coalescer.submit(value) })
            try await eventually("the calls to queue behind it") { coalescer.queuedCount == index + 1 }
        }
        recorder.gate.open()
        #expect(try await first.value == 10)
        for task in queued { _ = try await task.value }
        // 6 alone (6 + 6 > 10); 6 + 3; 20 alone although over the limit; then 2.
        #expect(recorder.batches.withLock { $0 } == [[1], [6], [6, 3], [20], [2]])
    }
}
