/// The in-memory ``QueueInspector`` of one group: reads the ready queue under the group's lock, after moving due
/// delayed jobs and lapsed leases into it (as a pop would), and never leases a job.
struct MemoryQueueInspector: QueueInspector {
    /// The most jobs one ``peekReady(offset:limit:)`` lists.
    static let maxPeek = 1000

    let store: MemoryGroupStore

    func peekReady(offset: Int, limit: Int) async throws -> [PeekedJob] {
        let limit = min(max(limit, 0), Self.maxPeek)
        return store.withState { state, now in
            state.housekeep(now: now)
            return state.peekReady(offset: max(offset, 0), limit: limit)
        }
    }

    func oldestRunnableAge() async throws -> Duration? {
        store.withState { state, now in
            state.housekeep(now: now)
            return state.nextRunnableSince().map { .milliseconds(max(0, now.subtractingSaturated($0))) }
        }
    }
}
