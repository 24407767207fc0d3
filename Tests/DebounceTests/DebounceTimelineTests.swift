import Deferrable
import DeferrableRedis
import Foundation
import Synchronization
import Testing

@Suite("Debounce timelines", .timeLimit(.minutes(1)))
struct DebounceTimelineTests {
    @Test("leading: first call now, second delayed to the window's end, the rest join it", arguments: DebounceSetup.all)
    func leading(setup: DebounceSetup) async throws {
        let deferrable = try await setup.makeDeferrable()
        let log = RunLog()
        let job = try deferrable.register("touch", options: JobOptions(debounce: .leading(.seconds(1)))) { (value: Int, context) in
            log.record(id: context.id, value: value)
        }
        let first = try await job.later(7)
        let second = try await job.later(7)
        let third = try await job.later(7)
        #expect(first.disposition == .pushedNow)
        #expect(second.disposition == .delayed)
        #expect(second.runnableAt - first.runnableAt >= 1000)
        #expect(third.disposition == .joined)
        #expect(third.id == second.id)
        try await drain(deferrable, for: .milliseconds(1500))
        #expect(log.ids == [first.id, second.id])
        // After the delayed copy started, a new call is not lost: it gets a copy of its own.
        let fourth = try await job.later(7)
        #expect(fourth.disposition != .joined)
        try await drain(deferrable, for: .milliseconds(1500))
        #expect(log.count == 3)
    }

    @Test("different arguments never debounce each other", arguments: DebounceSetup.all)
    func differentArguments(setup: DebounceSetup) async throws {
        let deferrable = try await setup.makeDeferrable()
        let job = try deferrable.register("touch", options: JobOptions(debounce: .leading(.seconds(5)))) { (_: [String: Int], _) in }
        let a = try await job.later(["a": 1, "b": 2])
        let sameReordered = try await job.later(["b": 2, "a": 1])
        let other = try await job.later(["a": 2, "b": 2])
        #expect(a.disposition == .pushedNow)
        #expect(sameReordered.disposition == .delayed)
        #expect(other.disposition == .pushedNow)
    }

    @Test("alwaysDelay: the first call runs one window later and calls until then join it", arguments: DebounceSetup.all)
    func alwaysDelay(setup: DebounceSetup) async throws {
        let deferrable = try await setup.makeDeferrable()
        let log = RunLog()
        // A window of seconds, so that a loaded machine's stalls between the calls stay inside it.
        let job = try deferrable.register("touch", options: JobOptions(debounce: .alwaysDelay(.seconds(3)))) { (value: Int, context) in
            log.record(id: context.id, value: value)
        }
        let first = try await job.later(1)
        #expect(first.disposition == .delayed)
        for _ in 0..<5 {
            let again = try await job.later(1)
            #expect(again.disposition == .joined)
            #expect(again.id == first.id)
        }
        #expect(try await deferrable.runOnce(waitingUpTo: .zero) == .empty)
        try await drain(deferrable, for: .milliseconds(3500))
        #expect(log.ids == [first.id])
    }

    @Test("extend: each call pushes the pending run back, bounded by maxWait", arguments: DebounceSetup.postponing)
    func extend(setup: DebounceSetup) async throws {
        let deferrable = try await setup.makeDeferrable()
        let log = RunLog()
        let job = try deferrable.register(
            "touch", options: JobOptions(debounce: .extend(.seconds(3), maxWait: .seconds(6)))
        ) { (value: Int, context) in
            log.record(id: context.id, value: value)
        }
        let first = try await job.later(1)
        #expect(first.disposition == .delayed)
        // Windows of seconds, so that a loaded machine's stalls between the calls stay inside one window.
        let cap = first.runnableAt - 3000 + 6000
        var latest = first.runnableAt
        for _ in 0..<4 {
            try await Task.sleep(for: .milliseconds(50))
            let again = try await job.later(1)
            #expect(again.id == first.id)
            // Extended, unless the burst already reached maxWait (then the call joins the capped run).
            #expect(again.disposition == .extended || (again.disposition == .joined && again.runnableAt == cap))
            #expect(again.runnableAt >= latest)
            #expect(again.runnableAt <= cap)
            latest = again.runnableAt
        }
        #expect(log.count == 0)
        try await drain(deferrable, for: .milliseconds(6500))
        #expect(log.ids == [first.id])
    }

    @Test("no lost trailing call: every later() at t is followed by a run started at or after t", arguments: DebounceSetup.all)
    func noLostTrailingCall(setup: DebounceSetup) async throws {
        let deferrable = try await setup.makeDeferrable()
        let log = RunLog()
        let job = try deferrable.register("touch", options: JobOptions(debounce: .leading(.milliseconds(80)))) { (value: Int, context) in
            log.record(id: context.id, value: value)
        }
        let consumer = Task {
            while !Task.isCancelled {
                _ = try await deferrable.runOnce(waitingUpTo: .milliseconds(20))
            }
        }
        var callTimes: [ContinuousClock.Instant] = []
        var pushedRunnable: [Int64] = []
        for _ in 0..<40 {
            callTimes.append(.now)
            let receipt = try await job.later(1)
            if receipt.disposition != .joined { pushedRunnable.append(receipt.runnableAt) }
            try await Task.sleep(for: .milliseconds(Int.random(in: 1...25)))
        }
        let deadline = ContinuousClock.now + .seconds(2)
        while ContinuousClock.now < deadline, let lastCall = callTimes.last, !(log.starts.contains { $0 >= lastCall }) {
            try await Task.sleep(for: .milliseconds(20))
        }
        consumer.cancel()
        let starts = log.starts
        for call in callTimes {
            #expect(starts.contains { $0 >= call }, "a later() call has no run starting after it")
        }
        for (earlier, later) in zip(pushedRunnable, pushedRunnable.dropFirst()) {
            #expect(later - earlier >= 80, "two copies became runnable within one window")
        }
        #expect(log.count < callTimes.count)
    }
}
