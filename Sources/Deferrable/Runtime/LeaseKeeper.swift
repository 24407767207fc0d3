import Logging
import Synchronization

/// Keeps the leases of held jobs alive: one background task extends every held lease each third of the lease
/// duration, and stops when nothing is held. A lease the backend refuses to extend, or whose known deadline passes
/// before an extension is confirmed, is lost: its run is cancelled (``LeaseHold``).
final class LeaseKeeper: Sendable {
    private struct State {
        /// Held jobs by a number given at each hold (cheaper to hash than the id and token, and unique even if the
        /// same lease were held twice).
        var held: [UInt64: LeaseHold] = [:]
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

    /// Runs `body` while keeping `job`'s lease alive, from now until `body` returns or its hold begins settling.
    func holding<T>(_ job: LeasedJob, _ body: (LeaseHold) async throws -> T) async throws -> T {
        let hold = LeaseHold(job: job, lease: lease)
        let (key, start) = state.withLock { state in
            state.nextHold &+= 1
            state.held[state.nextHold] = hold
            defer { state.running = true }
            return (state.nextHold, !state.running)
        }
        if start {
            Task { await self.keepAlive() }
        }
        defer { _ = state.withLock { $0.held.removeValue(forKey: key) } }
        return try await body(hold)
    }

    /// The holds whose leases need extending; `nil`, stopping the task, when nothing is held.
    private func activeHolds() -> [LeaseHold]? {
        state.withLock { state in
            if state.held.isEmpty {
                state.running = false
                return nil
            }
            return state.held.values.filter(\.needsExtending)
        }
    }

    private func keepAlive() async {
        // Ticks are timed from the start of the previous round, so a slow round does not delay the next.
        var tick = ContinuousClock.now + lease / 3
        while true {
            guard let waiting = activeHolds() else { return }
            // Wakes at the next tick, or sooner when a known deadline comes first.
            let wake = waiting.reduce(tick) { min($0, $1.heldUntil) }
            if wake > .now { try? await Task.sleep(until: wake, clock: .continuous) }
            guard let holds = activeHolds() else { return }
            if ContinuousClock.now >= tick {
                tick += lease / 3
                // All at once: one slow call must not hold back the other leases.
                await withTaskGroup(of: Void.self) { group in
                    for hold in holds {
                        group.addTask { await self.extend(hold) }
                    }
                }
            }
            let now = ContinuousClock.now
            for hold in holds where now >= hold.heldUntil && hold.lose(.expired) {
                logger.warning(
                    "lease deadline passed without a confirmed extension: the run is cancelled", metadata: ["job.id": "\(hold.job.id)"])
            }
        }
    }

    private func extend(_ hold: LeaseHold) async {
        let sent = ContinuousClock.now
        do {
            if try await queue.extendLease(hold.job, by: lease) {
                hold.confirm(sentAt: sent, lease: lease)
            } else if hold.lose(.refused) {
                logger.warning("lease lost while the job runs: the run is cancelled", metadata: ["job.id": "\(hold.job.id)"])
            }
        } catch {
            logger.warning("could not extend a lease", metadata: ["job.id": "\(hold.job.id)", "error": "\(error)"])
        }
    }
}
