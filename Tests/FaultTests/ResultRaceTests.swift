import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Testing

/// Completions that land as close as possible to the start of their wait: the wait starts right after the push and
/// a hot consumer runs the job at once. No result may be missed and no wait may hang.
@Suite("Result races", .serialized, .timeLimit(.minutes(10)))
struct ResultRaceTests {
    static let jobs = 100_000

    @Test("memory: 100,000 waits racing their completions")
    func memory() async throws {
        try await race(try Deferrable(factory: MemoryBackendFactory(), group: uniqueGroup(), logger: quietLogger()))
    }

    @Test("redis: 100,000 waits racing their completions", .enabled(if: FaultEnv.hasRedis, "needs REDIS_URL"))
    func redis() async throws {
        let factory = try RedisBackendFactory(url: FaultEnv.url, settings: RedisBackendSettings(keyPrefix: uniquePrefix("race")))
        try await race(try Deferrable(factory: factory, group: uniqueGroup(), logger: quietLogger()))
    }

    private func race(_ deferrable: Deferrable) async throws {
        let echo = try deferrable.register("echo", returning: Int.self) { (n: Int, _) in n }
        let stop = Locked(false)
        let consumers = (0..<4).map { _ in
            Task {
                while !stop.value { _ = try await deferrable.runOnce(waitingUpTo: .milliseconds(50)) }
            }
        }
        defer {
            stop.withLock { $0 = true }
            for consumer in consumers { consumer.cancel() }
        }
        let producers = 16
        let (right, wrong, notDone) = try await within(.seconds(540), "100,000 results") {
            try await withThrowingTaskGroup(of: (Int, Int, Int).self) { group in
                for producer in 0..<producers {
                    group.addTask {
                        var counts = (right: 0, wrong: 0, notDone: 0)
                        for n in stride(from: producer, to: Self.jobs, by: producers) {
                            let future = try await echo.later(n)
                            do {
                                if try await future.result(waitingUpTo: .seconds(30)) == n { counts.right += 1 } else { counts.wrong += 1 }
                            } catch JobResultError.notDone {
                                counts.notDone += 1
                            }
                        }
                        return counts
                    }
                }
                var total = (0, 0, 0)
                for try await counts in group { total = (total.0 + counts.0, total.1 + counts.1, total.2 + counts.2) }
                return total
            }
        }
        report("result race", ["right": right, "wrong": wrong, "notDone": notDone])
        #expect(right == Self.jobs)
        #expect(wrong == 0)
        #expect(notDone == 0, "a wait missed its result")
    }
}
