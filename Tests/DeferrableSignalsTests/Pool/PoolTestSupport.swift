import DeferrableSignals
import DeferrableTestSupport
import Logging
import Synchronization

/// Running bodies counted as they start and end, with the most seen at once.
final class RunningMeter: Sendable {
    private let state = Mutex((now: 0, most: 0, started: [Int]()))

    func start(_ item: Int) {
        state.withLock {
            $0.now += 1
            $0.most = max($0.most, $0.now)
            $0.started.append(item)
        }
    }

    func end() { state.withLock { $0.now -= 1 } }

    var most: Int { state.withLock { $0.most } }
    var started: [Int] { state.withLock { $0.started } }
}

/// A pool on a stepped clock, logging nowhere unless a handler is given.
func makePool(
    _ configuration: ShortTermPool.Configuration, clock: SteppedClock = SteppedClock(),
    logger: Logger = Logger(label: "pool-test", factory: { _ in SwiftLogNoOpLogHandler() })
) throws -> ShortTermPool {
    try ShortTermPool(name: "test", configuration: configuration, clock: clock, logger: logger)
}

/// Waits until the pool reports `running` items and `queued` waiters.
func waitUntil(_ pool: ShortTermPool, running: Int, queued: Int) async throws {
    try await eventually("\(running) running and \(queued) queued (now \(pool.status()))") {
        let status = pool.status()
        return status.running == running && status.queued == queued
    }
}
