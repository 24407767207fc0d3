import Deferrable
import DeferrableTestSupport
import Logging
import Testing

@Suite("Error queue requeueAll under a running consumer")
struct ErrorQueueRequeueAllTests {
    @Test("requeueAll requeues the entries present when it starts, while jobs fail again beside it", .timeLimit(.minutes(1)))
    func snapshot() async throws {
        var quiet = Logger(label: "requeue-all")
        quiet.logLevel = .critical
        let deferrable = try Deferrable(factory: MemoryBackendFactory(), group: uniqueGroup(), logger: quiet)
        let handle = try deferrable.register("doomed", options: JobOptions(maxAttempts: 1)) { (_: Payload, _) in
            throw PermanentError()
        }
        // More than one page of the listing (500).
        let entries = 520
        try await handle.laterMany((0..<entries).map(Payload.init(n:)))
        while try await deferrable.runOnce(waitingUpTo: .zero) != .empty {}
        #expect(try await deferrable.errors.count() == entries)

        // Consumers that send every requeued job straight back to the error queue.
        let stop = Locked(false)
        let consumers = (0..<1).map { _ in
            Task {
                while !stop.value {
                    _ = try await deferrable.runOnce(waitingUpTo: .milliseconds(20))
                }
            }
        }
        let requeued = try await deferrable.errors.requeueAll()
        stop.withLock { $0 = true }
        for consumer in consumers { try await consumer.value }
        #expect(requeued == entries)
    }
}
