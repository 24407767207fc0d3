import Foundation
import Logging
import Synchronization

/// Writes a running ``Worker``'s heartbeat to the ``WorkerDirectory`` of each of its groups, every heartbeat
/// interval, and removes it when the worker stops cleanly.
///
/// A heartbeat stays listed for two intervals after it is written, so a worker that stops beating (killed, hung,
/// cut off) disappears within two intervals. A failing beat is logged once per outage of that group (then at
/// `debug`, and its end at `notice`) and never stops the worker; the next interval beats again. Groups whose
/// backend keeps no heartbeats are skipped.
final class WorkerHeartbeats: Sendable {
    /// The shortest heartbeat interval a worker uses.
    static let minInterval = Duration.milliseconds(50)
    /// The longest heartbeat interval a worker uses: half of the longest a heartbeat may stay listed.
    static let maxInterval = Duration.milliseconds(WorkerHeartbeat.maxExpiresAfterMillis / 2)

    private let id: String
    private let host: String
    private let pid: Int32
    /// When ``run()`` began (epoch milliseconds).
    private let startedMillis = Atomic<Int64>(0)
    private let concurrency: Int
    private let groups: [String]
    /// One directory per group, in the order of `groups`.
    private let directories: [(group: String, directory: any WorkerDirectory)]
    private let interval: Duration
    private let clock: any DeferrableClock
    private let running: RunningJobs
    private let outages: OutageLog
    private let logger: Logger

    /// - Parameters:
    ///   - interval: clamped to ``minInterval`` ... ``maxInterval``.
    init(
        id: String, deferrables: [Deferrable], concurrency: Int, interval: Duration, running: RunningJobs, logger: Logger
    ) {
        self.id = id
        let first = deferrables[0]
        host = first.hostName
        pid = ProcessInfo.processInfo.processIdentifier
        clock = first.clock
        self.concurrency = concurrency
        var seen: Set<String> = []
        let distinct = deferrables.filter { seen.insert($0.group).inserted }
        groups = distinct.map(\.group)
        directories = distinct.compactMap { deferrable in deferrable.backend.workers.map { (deferrable.group, $0) } }
        self.interval = Self.clamped(interval)
        self.running = running
        outages = OutageLog(logger: logger, messages: .heartbeat)
        self.logger = logger
    }

    /// `interval` within ``minInterval`` ... ``maxInterval``.
    static func clamped(_ interval: Duration) -> Duration {
        min(max(interval, minInterval), maxInterval)
    }

    /// The heartbeat as of now.
    func current() -> WorkerHeartbeat {
        let jobIDs = running.snapshot()
        return WorkerHeartbeat(
            id: id, host: host, pid: pid, startedMillis: startedMillis.load(ordering: .relaxed), concurrency: concurrency,
            busySlots: jobIDs.count,
            groups: groups, jobIDs: jobIDs, beatMillis: clock.nowMillis(),
            expiresAfterMillis: (interval * 2).wholeMilliseconds)
    }

    /// Beats at once, then every interval, until the task is cancelled; the worker's start time is now.
    func run() async {
        startedMillis.store(clock.nowMillis(), ordering: .relaxed)
        guard !directories.isEmpty else { return }
        while !Task.isCancelled {
            await beat()
            try? await Task.sleep(for: interval)
        }
    }

    /// Writes the current heartbeat to every group's directory, all groups at once (a slow group delays no other).
    func beat() async {
        let heartbeat = current()
        await forEachDirectory { group, directory in
            let callStart = ContinuousClock.now
            do {
                try await directory.beat(heartbeat)
                self.outages.succeeded(group: group)
            } catch {
                if Task.isCancelled { return }
                self.outages.failed(group: group, error: error, retryIn: self.interval, callStart: callStart)
            }
        }
    }

    /// Removes the heartbeat from every group's directory, all groups at once (a clean stop waits for one round trip,
    /// not one per group); a failure is logged, and the heartbeat then disappears when it expires.
    func remove() async {
        let id = self.id
        await forEachDirectory { group, directory in
            do {
                try await directory.remove(workerID: id)
            } catch {
                self.logger.notice(
                    "cannot remove the worker's heartbeat; it disappears within two heartbeat intervals",
                    metadata: ["group": "\(group)", "error": "\(error)"])
            }
        }
    }

    /// Runs `body` for every group's directory concurrently and waits for all of them.
    private func forEachDirectory(_ body: @escaping @Sendable (String, any WorkerDirectory) async -> Void) async {
        await withDiscardingTaskGroup { tasks in
            for (group, directory) in directories {
                tasks.addTask { await body(group, directory) }
            }
        }
    }
}
