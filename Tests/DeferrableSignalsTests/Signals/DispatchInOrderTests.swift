import DeferrableSignals
import DeferrableTestSupport
import Testing

/// ``Signal/dispatchInOrder(_:errors:)``: one listener at a time, one dispatch at a time.
@Suite("Signals: in-order dispatch")
struct DispatchInOrderTests {
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
        let signal = makeSignal(of: (Int.self, Void.self))
        let gate = AsyncGate()
        let started = AsyncGate()
        let seen = Locked<[Int]>([])
        signal.connect("shared") { dispatch in
            seen.withLock { $0.append(dispatch) }
            if dispatch == 1 {
                started.open()
                await gate.wait()
            }
        }
        let first = Task { try await signal.dispatchInOrder(1) }
        await started.wait()
        let second = Task { try await signal.dispatchInOrder(2) }
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
}
