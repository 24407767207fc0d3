import DeferrableSignals
import DeferrableTestSupport
import Testing

/// A sender cancelled while a listener runs gets `CancellationError`, never a report that blames the listener.
@Suite("Signals: the sender's cancellation")
struct SignalCancellationTests {
    /// How a test fires its signal.
    enum Firing: String, CaseIterable, CustomTestStringConvertible {
        case send, sendStoppingAtFailure, dispatchInOrder, collect, collectStoppingAtFailure

        var testDescription: String { rawValue }

        func fire(_ signal: Signal<Int, Int>) async throws {
            switch self {
            case .send: _ = try await signal.send(0)
            case .sendStoppingAtFailure: _ = try await signal.send(0, errors: .stopAtFirstFailure)
            case .dispatchInOrder: _ = try await signal.dispatchInOrder(0)
            case .collect: _ = try await signal.collect(0)
            case .collectStoppingAtFailure:
                _ = try await signal.collect(0, options: CollectOptions(errors: .stopAtFirstFailure))
            }
        }
    }

    /// Fires `signal`, cancels the sender once `started` opens, and expects `CancellationError`.
    private func cancel(_ firing: Firing, of signal: Signal<Int, Int>, once started: AsyncGate) async throws {
        let sender = Task { try await firing.fire(signal) }
        await started.wait()
        sender.cancel()
        await #expect(throws: CancellationError.self) {
            try await within(.seconds(20), "the cancelled sender") { try await sender.value }
        }
    }

    @Test("cancelled during the last listener", arguments: Firing.allCases)
    func duringLastListener(_ firing: Firing) async throws {
        let signal = makeSignal(of: (Int.self, Int.self))
        let probe = CancellationProbe()
        let started = AsyncGate()
        signal.connect("first", priority: 1) { $0 }
        signal.connect("last") { value in
            started.open()
            try await probe.waitForCancellation(upTo: .seconds(60))
            return value
        }
        try await cancel(firing, of: signal, once: started)
        #expect(probe.cancelledAfter != nil)
    }

    @Test("cancelled during the first of two listeners: the second never runs", arguments: Firing.allCases)
    func duringFirstListener(_ firing: Firing) async throws {
        let signal = makeSignal(of: (Int.self, Int.self))
        let started = AsyncGate()
        let second = Locked(false)
        signal.connect("first", priority: 1) { value in
            started.open()
            try await CancellationProbe().waitForCancellation(upTo: .seconds(60))
            return value
        }
        signal.connect("second") { value in
            second.withLock { $0 = true }
            return value
        }
        try await cancel(firing, of: signal, once: started)
        #expect(!second.value)
    }

    @Test("a collector already cancelled starts no listener, on a pool or with a deadline")
    func cancelledBeforeStart() async throws {
        let pool = try makePool(.init(concurrency: 4))
        for options in [CollectOptions(execution: .pool(pool)), CollectOptions(deadline: .seconds(60))] {
            let signal = makeSignal(of: (Int.self, Int.self))
            let ran = Locked(0)
            for index in 0..<4 {
                signal.connect("l\(index)") { value in
                    ran.withLock { $0 += 1 }
                    return value
                }
            }
            let collecting = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await signal.collect(0, options: options)
            }
            await #expect(throws: CancellationError.self) { try await collecting.value }
            try await waitUntil(pool, running: 0, queued: 0)
            #expect(ran.value == 0)
        }
    }
}
