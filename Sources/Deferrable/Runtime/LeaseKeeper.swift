import Logging
import Synchronization

/// Keeps the leases of running jobs alive: one background task extends every held lease each third of the
/// lease duration, and stops when nothing is held.
final class LeaseKeeper: Sendable {
    private struct State {
        var held: [String: LeasedJob] = [:]
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
        let start = state.withLock { state in
            state.held[job.id + "\u{0}" + job.leaseToken] = job
            defer { state.running = true }
            return !state.running
        }
        if start {
            Task { await self.extendWhileHeld() }
        }
        defer { _ = state.withLock { $0.held.removeValue(forKey: job.id + "\u{0}" + job.leaseToken) } }
        return try await body()
    }

    private func extendWhileHeld() async {
        var tick = ContinuousClock.now
        while true {
            // Ticks are timed from the start of the previous round, so a slow round does not delay the next.
            tick += lease / 3
            try? await Task.sleep(until: tick)
            let jobs = state.withLock { state -> [LeasedJob]? in
                if state.held.isEmpty {
                    state.running = false
                    return nil
                }
                return Array(state.held.values)
            }
            guard let jobs else { return }
            // All at once: one slow call must not hold back the other leases.
            await withTaskGroup(of: Void.self) { group in
                for job in jobs {
                    group.addTask { await self.extend(job) }
                }
            }
        }
    }

    private func extend(_ job: LeasedJob) async {
        do {
            if try await !queue.extendLease(job, by: lease), isHeld(job) {
                logger.warning("lease lost while the job runs", metadata: ["job.id": "\(job.id)"])
            }
        } catch {
            logger.warning("could not extend a lease", metadata: ["job.id": "\(job.id)", "error": "\(error)"])
        }
    }

    private func isHeld(_ job: LeasedJob) -> Bool {
        state.withLock { $0.held[job.id + "\u{0}" + job.leaseToken] != nil }
    }
}
