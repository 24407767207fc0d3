import DeferrableSignals
import DeferrableTestSupport
import InMemoryLogging
import Logging
import MetricsTestKit
import Testing

/// Error collecting: a listener's error does not reach the sender unless it asks for it.
@Suite("Signals: errors")
struct SignalErrorTests {
    @Test("a failure is logged, counted and reported, its default stands in, and the other listeners still run")
    func collectsWithDefault() async throws {
        let logs = InMemoryLogHandler()
        let metrics = TestMetrics()
        let signal = Signal<Int, String>("checkout", clock: SteppedClock(), logger: logs.logger(), metrics: metrics)
        signal.connect("stock", priority: 2) { "stock ok for \($0)" }
        signal.connect("fraud", priority: 1, defaultResponse: "fraud unknown") { _ in throw ListenerBroke(listener: "fraud") }
        signal.connect("mail") { "mail sent for \($0)" }
        let delivery = try await signal.send(7)
        #expect(delivery.responses == ["stock ok for 7", "fraud unknown", "mail sent for 7"])
        #expect(!delivery.succeeded)
        let failure = try #require(delivery.failures.first)
        #expect(delivery.failures.count == 1)
        #expect(failure.listener.name == "fraud")
        #expect(failure.error as? ListenerBroke == ListenerBroke(listener: "fraud"))
        let logged = logs.records("signal listener failed", level: .warning)
        #expect(logged.count == 1)
        #expect(logged.first?.metadata["listener"] == "fraud")
        #expect(logged.first?.metadata["error"] == "fraud broke")
        let counter = try metrics.expectCounter(
            "deferrable_signal_listener_failures_total", [("signal", "checkout"), ("listener", "fraud")])
        #expect(counter.totalValue == 1)
    }

    @Test("a failure without a default leaves no response, and the report still names it")
    func failureWithoutDefault() async throws {
        let signal = makeSignal(of: (Int.self, Int.self))
        signal.connect("broken") { _ in throw ListenerBroke(listener: "broken") }
        signal.connect("fine") { $0 * 2 }
        let delivery = try await signal.send(4)
        #expect(delivery.responses == [8])
        #expect(delivery.results.first?.response == nil)
        #expect(delivery.results.first?.failure?.listener.name == "broken")
    }

    @Test("throwAfterAll runs every listener, then throws the report with every failure")
    func throwAfterAll() async throws {
        let signal = makeSignal(of: (Int.self, Int.self))
        let ran = Locked<[String]>([])
        for name in ["a", "b", "c", "d"] {
            signal.connect(name, defaultResponse: -1) { value in
                ran.withLock { $0.append(name) }
                if name == "b" || name == "d" { throw ListenerBroke(listener: name) }
                return value
            }
        }
        let error = try await #require(throws: SignalDeliveryFailed<Int>.self) {
            try await signal.send(5, errors: .throwAfterAll)
        }
        #expect(ran.value == ["a", "b", "c", "d"])
        #expect(error.delivery.failures.map(\.listener.name) == ["b", "d"])
        #expect(error.delivery.responses == [5, -1, 5, -1])
        #expect(String(describing: error).contains("2 listener(s) failed (b, d)"))
    }

    @Test("stopAtFirstFailure does not reach the listeners after the failure")
    func stopAtFirstFailure() async throws {
        let signal = makeSignal(of: (Int.self, Int.self))
        let ran = Locked<[String]>([])
        for name in ["a", "b", "c"] {
            signal.connect(name) { value in
                ran.withLock { $0.append(name) }
                if name == "b" { throw ListenerBroke(listener: name) }
                return value
            }
        }
        let error = try await #require(throws: SignalDeliveryFailed<Int>.self) {
            try await signal.send(1, errors: .stopAtFirstFailure)
        }
        #expect(ran.value == ["a", "b"])
        guard case .notRun = error.delivery.results[2].outcome else {
            Issue.record("the third listener: \(error.delivery.results[2].outcome)")
            return
        }
    }

    @Test("a sender cancelled during a delivery throws CancellationError and reaches no further listener")
    func cancelledSender() async throws {
        let signal = makeSignal(of: (Int.self, Void.self))
        let ran = Locked<[String]>([])
        signal.connect("cancels", priority: 1) { _ in
            ran.withLock { $0.append("cancels") }
            withUnsafeCurrentTask { $0?.cancel() }
        }
        signal.connect("after") { _ in ran.withLock { $0.append("after") } }
        let sender = Task { try await signal.send(1) }
        await #expect(throws: CancellationError.self) { try await sender.value }
        #expect(ran.value == ["cancels"])
    }
}
