/// The in-memory error queue of a group.
struct MemoryErrorQueue: ErrorQueue {
    let store: MemoryGroupStore

    func list(offset: Int, limit: Int) async throws -> [DeadJob] {
        store.withState { state, now in
            state.trimErrors(limits: store.limits, now: now)
            return Array(state.orderedErrors().dropFirst(max(0, offset)).prefix(max(0, limit)))
        }
    }

    func entry(id: String) async throws -> DeadJob? {
        store.withState { state, now in
            state.trimErrors(limits: store.limits, now: now)
            return state.errors[id]
        }
    }

    func count() async throws -> Int {
        store.withState { state, now in
            state.trimErrors(limits: store.limits, now: now)
            return state.errors.count
        }
    }

    func requeue(id: String, as job: OutgoingJob) async throws -> Bool {
        try OutgoingJob.validate(id: job.id)
        return store.mutatingAndWaking { state, now in
            guard state.removeError(id: id) else { return false }
            // By id, so an idempotent push of the same id sees the requeued job.
            state.insertByID(id: job.id, payload: job.content, delayMillis: job.delay.wholeMilliseconds, now: now)
            return true
        } wake: {
            $0 ? 1 : 0
        }
    }

    func remove(id: String) async throws -> Bool {
        store.withState { state, _ in state.removeError(id: id) }
    }

    func purge() async throws -> Int {
        store.withState { state, _ in
            let count = state.errors.count
            state.removeAllErrors()
            return count
        }
    }
}
