/// The in-memory main queue of a group: FIFO, with delays, leases and reclaim of lapsed leases.
struct MemoryJobQueue: IdempotentJobQueue {
    /// The longest single wait of an idle pop before it looks at the queue again.
    static let maxWait = Duration.seconds(1)

    let store: MemoryGroupStore

    /// Jobs stay in this process: envelopes are kept as values, never encoded unless someone reads the bytes.
    var keepsEnvelopeValues: Bool { true }

    func push(_ job: OutgoingJob) async throws {
        try OutgoingJob.validate(id: job.id)
        pushNow([job])
    }

    func pushBatch(_ jobs: [OutgoingJob]) async throws {
        for job in jobs { try OutgoingJob.validate(id: job.id) }
        pushNow(jobs)
    }

    func pushNow(_ jobs: [OutgoingJob]) {
        // Hashed before the lock is taken.
        let resultKeeperHashes = jobs.map { $0.keepsResult ? $0.id.hashValue : nil }
        _ = store.mutatingAndWaking { state, now in
            for (job, hash) in zip(jobs, resultKeeperHashes) {
                state.insert(
                    id: job.id, payload: job.content, delayMillis: job.delay.wholeMilliseconds, resultKeeperHash: hash, now: now)
            }
            return jobs.count
        } wake: {
            $0
        }
    }

    func pushIfAbsent(_ jobs: [OutgoingJob], hold: Duration?) async throws -> [Bool] {
        for job in jobs { try OutgoingJob.validate(id: job.id) }
        let holdMillis = hold.map { max(1, $0.wholeMilliseconds) }
        return store.mutatingAndWaking { state, now in
            jobs.map { job in
                state.insertIfAbsent(
                    id: job.id, payload: job.content, delayMillis: job.delay.wholeMilliseconds,
                    holdUntil: holdMillis.map(now.addingSaturated), now: now)
            }
        } wake: { pushed in
            zip(jobs, pushed).count { $0.1 && $0.0.delay <= .zero }
        }
    }

    func pop(lease: Duration, waitingUpTo wait: Duration) async throws -> LeasedJob? {
        let deadline = ContinuousClock.now + wait
        while true {
            let (job, nextTimer, epoch) = store.withState { state, now -> (LeasedJob?, Int64?, UInt64) in
                state.housekeep(now: now)
                if let job = state.takeReady(leaseMillis: lease.wholeMilliseconds, now: now) { return (job, nil, 0) }
                return (nil, state.millisUntilNextTimer(now: now), state.pushEpoch)
            }
            if let job { return job }
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero, !Task.isCancelled else { return nil }
            // Leases taken after this wait began are not in `nextTimer`: one wait never exceeds `maxWait`, so a lapse
            // is noticed within it (and a wait's timer task never lives longer than that).
            let timer = nextTimer.map { Duration.milliseconds(max($0, 1)) } ?? remaining
            await store.waitForWork(upTo: min(remaining, timer, Self.maxWait), unlessPushedSince: epoch)
        }
    }

    func extendLease(_ job: LeasedJob, by lease: Duration) async throws -> Bool {
        store.withState { state, now in state.extend(job, leaseMillis: lease.wholeMilliseconds, now: now) }
    }

    func settle(_ job: LeasedJob, _ settlement: Settlement, tally: TaskTally?) async throws -> Bool {
        let limits = store.limits
        // Hashed before the lock is taken.
        let id = HashedID(job.id)
        return store.mutatingAndWaking { state, now -> (held: Bool, wake: Bool) in
            let settled = Self.settle(job, id: id, settlement, in: &state, limits: limits, now: now)
            if settled.held, let tally { state.statistics.count(tally, now: now) }
            return settled
        } wake: {
            $0.wake ? 1 : 0
        }.held
    }

    private static func settle(
        _ job: LeasedJob, id: HashedID, _ settlement: Settlement, in state: inout MemoryGroupState, limits: ErrorQueueLimits, now: Int64
    ) -> (held: Bool, wake: Bool) {
        switch settlement {
        case .complete(let result):
            guard state.endLease(of: job, removing: true) else { return (false, false) }
            state.storeResult(result, id: id, now: now)
            return (true, false)
        case .requeue(let payload, let delay):
            guard state.endLease(of: job, removing: false, newPayload: payload) else { return (false, false) }
            state.schedule(id: job.id, delayMillis: delay.wholeMilliseconds, now: now)
            // Delayed too: a waiting consumer recomputes when it must look again.
            return (true, true)
        case .deadLetter(let payload, let error, let result):
            guard state.endLease(of: job, removing: true) else { return (false, false) }
            state.storeResult(result, id: id, now: now)
            state.addError(DeadJob(id: job.id, payload: payload, error: error), limits: limits, now: now)
            return (true, false)
        }
    }

    func postpone(id: String, by delay: Duration) async throws -> Bool {
        store.mutatingAndWaking { state, now in
            state.postpone(id: id, delayMillis: delay.wholeMilliseconds, now: now)
        } wake: {
            $0 ? 1 : 0
        }
    }

    func flush() async throws {
        store.mutatingAndWaking { state, _ in
            state.clearJobs()
        } wake: {
            0
        }
    }

    func stats() async throws -> QueueStats {
        store.withState { state, now in
            state.housekeep(now: now)
            state.trimErrors(limits: store.limits, now: now)
            return QueueStats(
                available: state.ready.count,
                inFlight: state.leasedCount,
                delayed: state.delayedDue.count,
                errors: state.errors.count
            )
        }
    }
}
