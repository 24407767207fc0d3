import Logging
import Synchronization

/// Keeps the leases of running jobs alive: one background task extends every held lease each third of the
/// lease duration, and stops when nothing is held.
final class LeaseKeeper: Sendable {
    private struct State {
        /// Held jobs by a number given at each hold (cheaper to hash than the id and token, and unique even if the
        /// same lease were held twice).
        var held: [UInt64: LeasedJob] = [:]
        var nextHold: UInt64 = 0
        var running = false
    }

    private let queue: any JobQueue
    private let lease: Duration
    private let logger: Logger
    private let state = Mutex(State())

    init(queue: any JobQueue, lease: Duration, logger: Logger) {
        self.queue = queue
        self.lease = lease
        self.logger = logger
    }

    /// Runs `body` while keeping `job`'s lease alive.
    func holding<T>(_ job: LeasedJob, _ body: () async throws -> T) async throws -> T {
        let (hold, start) = state.withLock { state in
            state.nextHold &+= 1
            state.held[state.nextHold] = job
            defer { state.running = true }
            return (state.nextHold, !state.running)
        }
        if start {
            Task { await self.extendWhileHeld() }
        }
        defer { _ = state.withLock { $0.held.removeValue(forKey: hold) } }
        return try await body()
    }

    private func extendWhileHeld() async {
        var tick = ContinuousClock.now
        while true {
            // Ticks are timed from the start of the previous round, so a slow round does not delay the next.
            tick += lease / 3
            try? await Task.sleep(until: tick)
            let holds = state.withLock { state -> [(key: UInt64, value: LeasedJob)]? in
                if state.held.isEmpty {
                    state.running = false
                    return nil
                }
                return Array(state.held)
            }
            guard let holds else { return }
            // All at once: one slow call must not hold back the other leases.
            await withTaskGroup(of: Void.self) { group in
                for (hold, job) in holds {
                    group.addTask { await self.extend(job, hold: hold) }
                }
            }
        }
    }

    private func extend(_ job: LeasedJob, hold: UInt64) async {
        do {
            if try await !queue.extendLease(job, by: lease), isHeld(hold) {
                logger.warning("lease lost while the job runs", metadata: ["job.id": "\(job.id)"])
            }
        } catch {
            logger.warning("could not extend a lease", metadata: ["job.id": "\(job.id)", "error": "\(error)"])
        }
    }

    private func isHeld(_ hold: UInt64) -> Bool {
        state.withLock { $0.held[hold] != nil }
    }
}
