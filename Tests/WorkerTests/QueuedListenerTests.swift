import Deferrable
import DeferrableSignals
import DeferrableTestSupport
import Foundation
import Testing

/// A payload of a signal whose listeners are queued.
private struct OrderPlaced: Codable, Sendable, Equatable {
    let order: Int
    let total: Int
}

/// Queued listeners of a ``Signal``: pushed as jobs by `send`, run by a ``Worker``.
@Suite("Signals: queued listeners on a worker")
struct QueuedListenerTests {
    @Test("send pushes a queued listener's job in its place and a worker runs it", arguments: TestBackend.available)
    func workerRunsQueuedListener(backend: TestBackend) async throws {
        let (factory, cleanup) = try backend.makeFactory()
        defer { Task { await cleanup() } }
        let deferrable = try Deferrable(factory: factory, group: "signals")
        let signal = Signal<OrderPlaced, String>("order-placed")
        let order = Locked<[String]>([])
        let received = Locked<[(OrderPlaced, Int)]>([])
        signal.connect("receipt", priority: 10) { placed in
            order.withLock { $0.append("receipt") }
            return "receipt for \(placed.order)"
        }
        let token = try signal.connectQueued("invoice", priority: 5, on: deferrable) { placed, context in
            received.withLock { $0.append((placed, context.attempt)) }
        }
        signal.connect("audit") { _ in
            order.withLock { $0.append("audit") }
            return "audited"
        }
        #expect(signal.listeners.map(\.mode) == [.immediate, .queued, .immediate])
        let delivery = try await signal.send(OrderPlaced(order: 42, total: 1_999))
        #expect(order.value == ["receipt", "audit"])
        #expect(delivery.responses == ["receipt for 42", "audited"])
        guard case .queued(let receipt) = delivery.results[1].outcome else {
            Issue.record("the queued listener's outcome: \(delivery.results[1].outcome)")
            return
        }
        #expect(try await deferrable.stats().available == 1)
        #expect(received.value.isEmpty, "a queued listener runs on a worker, not in send")
        let worker = Worker(deferrable, configuration: .init(concurrency: 1))
        let running = Task { try await worker.run() }
        defer { running.cancel() }
        try await eventually("the worker to run the queued listener", timeout: .seconds(20)) { received.value.count == 1 }
        #expect(received.value.first?.0 == OrderPlaced(order: 42, total: 1_999))
        #expect(receipt.name == signal.queuedJobName(listener: "invoice"))
        #expect(!receipt.id.isEmpty)
        // Collectors and in-order dispatch never queue.
        let collection = try await signal.collect(OrderPlaced(order: 43, total: 1))
        #expect(collection.responses.map(\.listener.name) == ["receipt", "audit"])
        let dispatched = try await signal.dispatchInOrder(OrderPlaced(order: 44, total: 1))
        #expect(dispatched.results.map(\.listener.name) == ["receipt", "audit"])
        #expect(signal.disconnect(token))
        try await signal.send(OrderPlaced(order: 45, total: 1))
        worker.shutdownGracefully()
        try await running.value
        #expect(received.value.count == 1)
        #expect(try await deferrable.stats().available == 0)
    }

    @Test("a queued listener is a job: a failure is retried by the worker")
    func retried() async throws {
        let deferrable = try Deferrable(factory: MemoryBackendFactory(), group: "signals-retry")
        let signal = Signal<OrderPlaced, Void>("order-retried")
        let attempts = Locked<[Int]>([])
        try signal.connectQueued("flaky", on: deferrable, options: JobOptions(maxAttempts: 3, retry: .always, backoff: .fixed(.zero))) {
            _, context in
            attempts.withLock { $0.append(context.attempt) }
            if context.attempt == 1 { throw ListenerBroke(listener: "flaky") }
        }
        try await signal.send(OrderPlaced(order: 1, total: 1))
        let worker = Worker(deferrable, configuration: .init(concurrency: 1))
        let running = Task { try await worker.run() }
        defer { running.cancel() }
        try await eventually("the second attempt", timeout: .seconds(20)) { attempts.value.count == 2 }
        worker.shutdownGracefully()
        try await running.value
        #expect(attempts.value == [1, 2])
    }

    @Test("a queued listener's job name taken on the instance is refused with the core's error")
    func duplicateName() async throws {
        let deferrable = try Deferrable(factory: MemoryBackendFactory(), group: "signals-names")
        let signal = Signal<OrderPlaced, Void>("dup")
        try signal.connectQueued("once", on: deferrable) { _, _ in }
        #expect(throws: DeferrableError.duplicateJobName(signal.queuedJobName(listener: "once"))) {
            try signal.connectQueued("once", on: deferrable) { _, _ in }
        }
        #expect(signal.queuedJobName(listener: "once") == "signal.dup.once")
        #expect(signal.listeners.count == 1)
    }
}

/// A listener's error in these tests.
private struct ListenerBroke: Error {
    let listener: String
}
