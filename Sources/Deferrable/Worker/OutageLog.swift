import Logging
import Synchronization

/// Logs backend outages once: the first failure of an outage at `warning`, further failures at `debug`, and the
/// recovery at `notice` with how long it lasted.
///
/// A failure of a call that began before the group's last recovery (another slot's call, in flight while the backend
/// came back) does not open a new outage: it is logged at `debug` only, so one outage logs one recovery.
final class OutageLog: Sendable {
    private let outages = Mutex<[String: ContinuousClock.Instant]>([:])
    private let recoveries = Mutex<[String: ContinuousClock.Instant]>([:])
    private let active = Atomic<Int>(0)
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    /// Records a failure of `group`'s backend, in a call that began at `callStart`.
    func failed(group: String, error: any Error, retryIn delay: Duration, callStart: ContinuousClock.Instant) {
        if let recovered = recoveries.withLock({ $0[group] }), recovered >= callStart {
            logger.debug(
                "a backend call begun before the recovery failed",
                metadata: ["group": "\(group)", "error": "\(error)", "retry_in": "\(HumanDuration(delay))"])
            return
        }
        let first = outages.withLock { outages -> Bool in
            guard outages[group] == nil else { return false }
            outages[group] = .now
            active.add(1, ordering: .relaxed)
            return true
        }
        let metadata: Logger.Metadata = ["group": "\(group)", "error": "\(error)", "retry_in": "\(HumanDuration(delay))"]
        if first {
            logger.warning("backend unreachable; the worker keeps retrying with backoff", metadata: metadata)
        } else {
            logger.debug("backend still unreachable", metadata: metadata)
        }
    }

    /// Records a successful call to `group`'s backend.
    func succeeded(group: String) {
        guard active.load(ordering: .relaxed) > 0 else { return }
        let since = outages.withLock { outages -> ContinuousClock.Instant? in
            guard let since = outages.removeValue(forKey: group) else { return nil }
            active.subtract(1, ordering: .relaxed)
            return since
        }
        if let since {
            let now = ContinuousClock.now
            recoveries.withLock { $0[group] = now }
            logger.notice(
                "backend reachable again", metadata: ["group": "\(group)", "outage": "\(HumanDuration(since.duration(to: .now)))"])
        }
    }
}
