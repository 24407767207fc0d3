import Logging
import Synchronization

/// Logs backend outages once: the first failure of an outage at `warning`, further failures at `debug`, and the
/// recovery at `notice` with how long it lasted.
///
/// A failure of a call that began before the group's last recovery (another slot's call, in flight while the backend
/// came back) does not open a new outage: it is logged at `debug` only, so one outage logs one recovery.
final class OutageLog: Sendable {
    /// What the log says about one kind of call.
    struct Messages: Sendable {
        /// The first failure of an outage (`warning`).
        var failed: String
        /// Further failures (`debug`).
        var stillFailing: String
        /// The recovery (`notice`).
        var recovered: String

        /// Calls that take, settle and extend jobs.
        static let backend = Messages(
            failed: "backend unreachable; the worker keeps retrying with backoff", stillFailing: "backend still unreachable",
            recovered: "backend reachable again")
        /// The worker's heartbeats (``WorkerHeartbeats``).
        static let heartbeat = Messages(
            failed: "cannot write the worker's heartbeat; the worker keeps running and beats again",
            stillFailing: "the worker's heartbeat still fails", recovered: "the worker's heartbeat is written again")
    }

    private let outages = Mutex<[String: ContinuousClock.Instant]>([:])
    private let recoveries = Mutex<[String: ContinuousClock.Instant]>([:])
    private let active = Atomic<Int>(0)
    private let logger: Logger
    private let messages: Messages

    init(logger: Logger, messages: Messages = .backend) {
        self.logger = logger
        self.messages = messages
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
            logger.warning("\(messages.failed)", metadata: metadata)
        } else {
            logger.debug("\(messages.stillFailing)", metadata: metadata)
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
                "\(messages.recovered)", metadata: ["group": "\(group)", "outage": "\(HumanDuration(since.duration(to: .now)))"])
        }
    }
}
