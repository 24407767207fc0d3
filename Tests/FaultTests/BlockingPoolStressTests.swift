import DeferrableTestSupport
import Logging
import NIOPosix
import Testing

@testable import DeferrableRedis

@Suite("Blocking connection pool under stress", .enabled(if: FaultEnv.hasRedis, "REDIS_URL is not set"))
struct BlockingPoolStressTests {
    private func makePool(limit: Int) throws -> RedisBlockingConnectionPool {
        let configuration = try RedisConfiguration(url: FaultEnv.url)
        let connector = RedisConnector(
            configuration: configuration, group: MultiThreadedEventLoopGroup.singleton, logger: Logger(label: "test.pool"))
        return RedisBlockingConnectionPool(connector: connector, limit: limit)
    }

    /// Polls `condition` every millisecond until it holds or `limit` passes; `true` if it held.
    private func eventually(within limit: Duration, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while !condition() {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(1))
        }
        return true
    }

    @Test("no caller is left waiting beside an idle connection (100k rounds of two callers on one connection)")
    func noLostWakeUp() async throws {
        let pool = try makePool(limit: 1)
        let rounds = 100_000
        let completed = Locked(0)
        let stopped = Locked(false)
        // Each round ends only when both callers got the connection once, so a stranded caller is not woken by
        // a later round.
        let runner = Task {
            for round in 1...rounds {
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<2 {
                        group.addTask {
                            if let connection = try? await pool.lease() { pool.release(connection, reusable: true) }
                        }
                    }
                }
                completed.withLock { $0 = round }
                if stopped.value { return }
            }
        }
        // A caller stranded among the waiters while the connection sits idle stops the rounds; the state is
        // checked directly (a slow machine only makes the rounds slower).
        var stranded = false
        // A bound, not a measurement: the fault suites run side by side and share two cores.
        let deadline = ContinuousClock.now + .seconds(180)
        var strandedSamples = 0
        while completed.value < rounds, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
            strandedSamples = pool.hasWaiterBesideIdleConnection ? strandedSamples + 1 : 0
            if strandedSamples >= 100 {
                stranded = true
                break
            }
        }
        #expect(completed.value == rounds || stranded, "100k rounds did not end within 180 s")
        #expect(!stranded, "round \(completed.value + 1): a caller waits while the connection is idle")
        stopped.withLock { $0 = true }
        // Closing fails a stranded waiter, so the test ends either way.
        await pool.close()
        await runner.value
    }

    @Test("a waiting lease ends with CancellationError when its task is cancelled")
    func cancellableWait() async throws {
        let pool = try makePool(limit: 1)
        let held = try await pool.lease()
        let outcome = Locked<(any Error)?>(nil)
        let ended = Locked(false)
        let waiter = Task {
            do {
                let connection = try await pool.lease()
                pool.release(connection, reusable: true)
            } catch {
                outcome.withLock { $0 = error }
            }
            ended.withLock { $0 = true }
        }
        #expect(await eventually(within: .seconds(10)) { pool.waiterCount == 1 })
        waiter.cancel()
        let endedInTime = await eventually(within: .seconds(5)) { ended.value }
        #expect(endedInTime, "the cancelled lease is still waiting")
        pool.release(held, reusable: true)
        await waiter.value
        #expect(outcome.value is CancellationError)
        #expect(pool.waiterCount == 0)
        // The connection the cancelled waiter did not take is still available.
        let again = try await pool.lease()
        pool.release(again, reusable: true)
        await pool.close()
    }
}
