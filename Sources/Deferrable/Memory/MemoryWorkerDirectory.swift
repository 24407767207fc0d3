import Synchronization

/// The in-memory ``WorkerDirectory`` of one group: heartbeats by worker id, each listed until its
/// ``WorkerHeartbeat/expiresAfterMillis`` after the beat have passed by the backend's clock. It holds at most
/// ``WorkerHeartbeat/maxWorkersPerGroup`` heartbeats.
final class MemoryWorkerDirectory: WorkerDirectory {
    private struct Entry {
        var heartbeat: WorkerHeartbeat
        /// When it stops being listed (epoch milliseconds, the backend's clock).
        var expiresAt: Int64
    }

    private let clock: any DeferrableClock
    private let entries = Mutex<[String: Entry]>([:])

    init(clock: any DeferrableClock) {
        self.clock = clock
    }

    func beat(_ heartbeat: WorkerHeartbeat) async throws {
        try heartbeat.validate()
        let now = clock.nowMillis()
        entries.withLock { entries in
            Self.dropExpired(&entries, now: now)
            entries[heartbeat.id] = Entry(heartbeat: heartbeat, expiresAt: now.addingSaturated(heartbeat.expiresAfterMillis))
            while entries.count > WorkerHeartbeat.maxWorkersPerGroup, let first = entries.values.min(by: { $0.expiresAt < $1.expiresAt }) {
                entries[first.heartbeat.id] = nil
            }
        }
    }

    func remove(workerID id: String) async throws {
        _ = entries.withLock { $0.removeValue(forKey: id) }
    }

    func workers() async throws -> [WorkerHeartbeat] {
        let now = clock.nowMillis()
        return entries.withLock { entries in
            Self.dropExpired(&entries, now: now)
            return entries.values.map(\.heartbeat).sorted(by: WorkerHeartbeat.listingOrder)
        }
    }

    private static func dropExpired(_ entries: inout [String: Entry], now: Int64) {
        entries = entries.filter { $0.value.expiresAt > now }
    }
}
