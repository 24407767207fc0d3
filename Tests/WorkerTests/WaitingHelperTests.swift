import DeferrableTestSupport
import Testing

/// The bounded waits every suite relies on: a helper that cannot time out would let a hung test hang CI.
@Suite("Test waiting helpers")
struct WaitingHelperTests {
    struct Boom: Error {}

    @Test("within throws at its deadline over an operation that ignores cancellation")
    func withinTimesOutOverStubbornOperation() async throws {
        let started = ContinuousClock.now
        await #expect(throws: TimedOut.self) {
            try await within(.milliseconds(100), "a stubborn operation") {
                // A detached task does not inherit the cancellation of the task awaiting it.
                await Task.detached { try? await Task.sleep(for: .seconds(10)) }.value
            }
        }
        let took = started.duration(to: .now)
        #expect(took < .seconds(3), "within returned after \(took), not at its deadline")
    }

    @Test("within cancels an operation that overruns its deadline")
    func withinCancelsOverrun() async throws {
        let cancelled = AsyncGate()
        await #expect(throws: TimedOut.self) {
            try await within(.milliseconds(50), "a long sleep") {
                do {
                    try await Task.sleep(for: .seconds(30))
                } catch {
                    cancelled.open()
                    throw error
                }
            }
        }
        try await within(.seconds(5), "the overrunning operation to see its cancellation") { await cancelled.wait() }
    }

    @Test("within returns the value and rethrows the error of an operation that ends in time")
    func withinPassesResultsThrough() async throws {
        #expect(try await within(.seconds(5), "a value") { 42 } == 42)
        await #expect(throws: Boom.self) {
            try await within(.seconds(5), "an error") { throw Boom() }
        }
    }

    @Test("cancelling the caller of within cancels the operation")
    func cancellingCallerCancelsOperation() async throws {
        let waiting = AsyncGate()
        let caller = Task {
            try await within(.seconds(30), "a sleep") {
                waiting.open()
                try await Task.sleep(for: .seconds(30))
            }
        }
        await waiting.wait()
        caller.cancel()
        let result = try await within(.seconds(5), "the cancelled caller to return") { await caller.result }
        #expect(throws: CancellationError.self) { try result.get() }
    }

    @Test("eventually throws TimedOut when its condition never holds, and returns once it does")
    func eventuallyIsBounded() async throws {
        let started = ContinuousClock.now
        await #expect(throws: TimedOut.self) {
            try await eventually("a condition that never holds", timeout: .milliseconds(100)) { false }
        }
        #expect(started.duration(to: .now) < .seconds(10), "a 100 ms timeout returns, not a hang")
        var polls = 0
        try await eventually("the third poll") {
            polls += 1
            return polls == 3
        }
        #expect(polls == 3)
        #expect(await eventually(within: .milliseconds(50)) { false } == false)
    }
}
