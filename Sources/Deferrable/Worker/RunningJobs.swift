import Synchronization

/// The id of the job each slot of a ``Worker`` runs now, for its heartbeat: set and cleared in memory as a job starts
/// and ends (no I/O per job), read once per heartbeat.
final class RunningJobs: Sendable {
    private let slots: Mutex<[String?]>

    /// Tracks `count` slots, numbered from 0, all idle.
    init(slots count: Int) {
        slots = Mutex(Array(repeating: nil, count: count))
    }

    /// Records that `slot` runs job `id` now.
    func started(_ id: String, slot: Int) {
        slots.withLock { $0[slot] = id }
    }

    /// Records that `slot` runs no job.
    func finished(slot: Int) {
        slots.withLock { $0[slot] = nil }
    }

    /// The ids of the jobs the slots run now, by slot.
    func snapshot() -> [String] {
        slots.withLock { $0.compactMap { $0 } }
    }
}
