/// The in-memory result store of a group: records live under the group's lock, so a settlement stores a record and
/// resumes its waiters in one step; records expire after their TTL, and the store holds at most the factory's
/// `maxStoredResults` records (one more drops the record that expires first), each at most the consumer's result
/// limit in size.
struct MemoryResultStore: ResultStore {
    let store: MemoryGroupStore

    func lookup(id: String) async throws -> ResultLookup {
        store.withState { state, now in state.resultLookup(id: id, now: now) }
    }

    func wait(for id: String, upTo timeout: Duration) async throws -> ResultLookup {
        try await store.waitForResult(id: id, upTo: min(timeout, EnvelopeBounds.longestDuration))
    }

    func count() async throws -> Int {
        store.withState { state, now in state.results.count(now: now) }
    }
}
