import DeferrableTestSupport
import Testing

@testable import DeferrableSignals

/// ``Signal/dispatchInOrder(_:errors:)``: one listener at a time, one dispatch at a time.
@Suite("Signals: in-order dispatch")
struct DispatchInOrderTests {
    /// A signal whose one listener records each dispatch; the first dispatch holds the order until `gate` opens.
    private func makeHeldSignal() -> (Signal<Int, Void>, gate: AsyncGate, seen: Locked<[Int]>) {
        let signal = makeSignal(of: (Int.self, Void.self))
        let gate = AsyncGate()
        let seen = Locked<[Int]>([])
        signal.connect("shared") { dispatch in
            let first = seen.withLock { seen -> Bool in
                seen.append(dispatch)
                return seen.count == 1
            }
            if first { await gate.wait() }
        }
        return (signal, gate, seen)
    }

    @Test("concurrent dispatches never run two listeners at once, and each runs its chain in priority order")
    func oneAtATime() async throws {
        let signal = makeSignal(of: (Int.self, Void.self))
        let meter = Locked((running: 0, most: 0, trace: [String]()))
        for (name, priority) in [("tax", 10), ("discount", 20), ("total", 0)] {
            signal.connect(name, priority: priority) { dispatch in
                meter.withLock {
                    $0.running += 1
                    $0.most = max($0.most, $0.running)
                    $0.trace.append("\(dispatch):\(name)")
                }
                // Gives another dispatch every chance to interleave.
                for _ in 0..<5 { await Task.yield() }
                meter.withLock { $0.running -= 1 }
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for dispatch in 0..<20 { group.addTask { try await signal.dispatchInOrder(dispatch) } }
            try await group.waitForAll()
        }
        let (most, trace) = meter.withLock { ($0.most, $0.trace) }
        #expect(most == 1)
        #expect(trace.count == 60)
        for chain in stride(from: 0, to: trace.count, by: 3) {
            let dispatch = trace[chain].split(separator: ":")[0]
            #expect(Array(trace[chain..<chain + 3]) == ["\(dispatch):discount", "\(dispatch):tax", "\(dispatch):total"])
        }
    }

    @Test("a dispatch cancelled while it waits for its turn never runs a listener")
    func cancelledWhileWaiting() async throws {
        let (signal, gate, seen) = makeHeldSignal()
        let first = Task { try await signal.dispatchInOrder(1) }
        try await eventually("the first dispatch to hold the order") { seen.value == [1] }
        let second = Task { try await signal.dispatchInOrder(2) }
        try await eventually("the second dispatch to wait for its turn") { signal.orderGate.waiterCount == 1 }
        second.cancel()
        await #expect(throws: CancellationError.self) { try await second.value }
        gate.open()
        _ = try await first.value
        try await signal.dispatchInOrder(3)
        #expect(seen.value == [1, 3])
    }

    @Test("a failure stops the chain when asked, and the report says which listeners did not run")
    func stopAtFirstFailure() async throws {
        let signal = makeSignal(of: (Int.self, Int.self))
        signal.connect("one", priority: 3) { $0 + 1 }
        signal.connect("two", priority: 2) { _ in throw ListenerBroke(listener: "two") }
        signal.connect("three", priority: 1) { $0 + 3 }
        let error = try await #require(throws: SignalDeliveryFailed<Int>.self) {
            try await signal.dispatchInOrder(10, errors: .stopAtFirstFailure)
        }
        let outcomes = error.delivery.results.map { result -> String in
            switch result.outcome {
            case .responded(let value): "\(result.listener.name)=\(value)"
            case .failed(let failure, _): "\(result.listener.name) failed: \(failure.error)"
            case .queued: "\(result.listener.name) queued"
            case .notRun: "\(result.listener.name) not run"
            }
        }
        #expect(outcomes == ["one=11", "two failed: two broke", "three not run"])
        // The failure released the order: the next dispatch runs.
        #expect(try await signal.dispatchInOrder(0).responses == [1, 3])
    }

    @Test("dispatches waiting for their turn run in order of arrival")
    func orderOfArrival() async throws {
        let (signal, gate, seen) = makeHeldSignal()
        let first = Task { try await signal.dispatchInOrder(0) }
        try await eventually("the first dispatch to hold the order") { seen.value == [0] }
        var waiting: [Task<SignalDelivery<Void>, any Error>] = []
        for dispatch in 1...5 {
            waiting.append(Task { try await signal.dispatchInOrder(dispatch) })
            try await eventually("dispatch \(dispatch) to wait for its turn") { signal.orderGate.waiterCount == dispatch }
        }
        gate.open()
        _ = try await first.value
        for task in waiting { _ = try await task.value }
        #expect(seen.value == [0, 1, 2, 3, 4, 5])
    }

    @Test("a listener that dispatches its own signal again gets ReentrantDispatch instead of waiting for itself")
    func reentrantDispatch() async throws {
        let signal = makeSignal(of: (Int.self, Int.self))
        signal.connect("again") { [signal] depth in
            guard depth == 0 else { return depth }
            return try await signal.dispatchInOrder(depth + 1).responses.count
        }
        let delivery = try await within(.seconds(20), "the outer dispatch") { try await signal.dispatchInOrder(0) }
        let failure = try #require(delivery.failures.first)
        let reentrant = try #require(failure.error as? ReentrantDispatch)
        #expect(reentrant.signal == "test")
        // The order is free again.
        #expect(try await signal.dispatchInOrder(1).responses == [1])
    }
}
