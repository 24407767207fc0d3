import DequeModule
import HeapModule

/// Leases: taking a runnable job, checking and extending a lease, ending it at settlement.
extension MemoryGroupState {
    /// Leases the next runnable job, if any.
    mutating func takeReady(leaseMillis: Int64, now: Int64) -> LeasedJob? {
        while let item = ready.popFirst() {
            let id = item.id
            if let hash = item.resultKeeperHash { leftQueue(resultKeeperHash: hash) }
            let token = nextSequence()
            let lease = Lease(token: token, deadline: now.addingSaturated(leaseMillis))
            let taken: StoredJob?
            if let payload = item.payload {
                // Like a push by id: the payload is stored (a reused id overwrites), and skipped while leased.
                taken = Self.acquire(&jobs[id, default: StoredJob(payload: payload, reclaims: 0)], lease: lease, payload: payload)
            } else if let index = jobs.index(forKey: id) {
                taken = Self.acquire(&jobs.values[index], lease: lease, payload: nil)
            } else {
                taken = nil
            }
            guard let job = taken else { continue }
            leasedCount += 1
            leaseDeadlines.insert(TimedID(at: lease.deadline, sequence: token, id: id, token: token))
            return LeasedJob(id: id, content: job.payload, reclaims: job.reclaims, leaseToken: String(token), poppedAt: now)
        }
        return nil
    }

    /// Uncounts a pushed job that keeps a result as it leaves the ready queue.
    private mutating func leftQueue(resultKeeperHash key: Int) {
        guard let count = queuedResultKeepers[key] else { return }
        queuedResultKeepers[key] = count > 1 ? count - 1 : nil
    }

    /// Gives `job` the lease unless it is leased already; a new payload replaces its own.
    private static func acquire(_ job: inout StoredJob, lease: Lease, payload: JobPayload?) -> StoredJob? {
        if let payload { replacePayload(of: &job, with: payload) }
        guard job.lease == nil else { return nil }
        job.lease = lease
        return job
    }

    /// Where `job` is in `jobs`, if its lease is still the one it was given.
    func held(_ job: LeasedJob) -> Dictionary<String, StoredJob>.Index? {
        guard let index = jobs.index(forKey: job.id), let lease = jobs.values[index].lease,
            UInt64(job.leaseToken) == lease.token
        else { return nil }
        return index
    }

    /// Moves the deadline of `job`'s lease to `now + leaseMillis`; `false` if the lease is no longer its.
    mutating func extend(_ job: LeasedJob, leaseMillis: Int64, now: Int64) -> Bool {
        guard let index = held(job), let token = jobs.values[index].lease?.token else { return false }
        let deadline = now.addingSaturated(leaseMillis)
        jobs.values[index].lease = Lease(token: token, deadline: deadline)
        leaseDeadlines.insert(TimedID(at: deadline, sequence: nextSequence(), id: job.id, token: token))
        leaseDeadlineEnded()
        return true
    }

    /// Ends `job`'s lease if it still holds it: the job is removed, or kept (to be rescheduled) with `newPayload`
    /// if given. `false` if the lease is no longer its.
    mutating func endLease(of job: LeasedJob, removing: Bool, newPayload: [UInt8]? = nil) -> Bool {
        guard let index = held(job) else { return false }
        if removing {
            jobs.remove(at: index)
        } else {
            jobs.values[index].lease = nil
            if let newPayload { Self.replacePayload(of: &jobs.values[index], with: .encoded(newPayload)) }
        }
        leasedCount -= 1
        leaseDeadlineEnded()
        return true
    }

    /// Stores a new payload for a job: its reclaims start again from zero (they count lapses since the payload was
    /// written); its lease, if any, stays.
    static func replacePayload(of job: inout StoredJob, with payload: JobPayload) {
        job.payload = payload
        job.reclaims = 0
    }

    /// Where the job of a deadline entry is in `jobs`, if the entry is its current lease.
    func currentLease(_ entry: TimedID) -> Dictionary<String, StoredJob>.Index? {
        guard let index = jobs.index(forKey: entry.id), let lease = jobs.values[index].lease,
            lease.token == entry.token, lease.deadline == entry.at
        else { return nil }
        return index
    }

    /// Counts a deadline entry whose lease ended; drops all such entries once they are over 1024 and outnumber the
    /// live leases twice (a busy queue would otherwise keep one per job settled within the lease time).
    private mutating func leaseDeadlineEnded() {
        endedLeaseDeadlines += 1
        if endedLeaseDeadlines > 1024, endedLeaseDeadlines > 2 * leasedCount { compactLeaseDeadlines() }
    }

    /// Keeps only the deadline entries of current leases.
    mutating func compactLeaseDeadlines() {
        leaseDeadlines = Heap(leaseDeadlines.unordered.filter { currentLease($0) != nil })
        endedLeaseDeadlines = 0
    }
}

extension MemoryGroupState {
    /// The payloads of up to `limit` jobs under a live lease at `now` (read from the lease deadlines, so the work is
    /// bounded by the leases, not by the delayed jobs).
    func leasedPayloads(now: Int64, limit: Int) -> [JobPayload] {
        var payloads: [JobPayload] = []
        for item in leaseDeadlines.unordered where item.at > now {
            guard payloads.count < limit else { break }
            if let index = currentLease(item) { payloads.append(jobs.values[index].payload) }
        }
        return payloads
    }
}
