import DequeModule
import HeapModule

/// The jobs of one in-memory group and their states. Only ever touched under ``MemoryGroupStore``'s lock.
struct MemoryGroupState {
    struct StoredJob {
        var payload: JobPayload
        var reclaims: Int
        /// Set while a consumer holds the job.
        var lease: Lease? = nil
    }

    struct TimedID: Comparable {
        var at: Int64
        var sequence: UInt64
        var id: String
        var token: UInt64 = 0

        static func < (lhs: TimedID, rhs: TimedID) -> Bool {
            (lhs.at, lhs.sequence) < (rhs.at, rhs.sequence)
        }
    }

    struct Lease {
        var token: UInt64
        var deadline: Int64
    }

    /// An entry of the ready queue: a job made runnable by a push carries its payload (a push costs no dictionary
    /// insert; the payload moves to ``jobs`` when the job is leased), any other runnable job only its id.
    struct ReadyItem {
        var id: String
        var payload: JobPayload?
        /// For a pushed job whose result is kept, its id's hash value: counted in ``queuedResultKeepers`` until it
        /// is leased.
        var resultKeeperHash: Int?
        /// Since when the job is runnable (its push, due time, lease lapse or requeue), for the queue latency.
        var runnableAt: Int64
    }

    /// Delayed and in-flight jobs, and runnable jobs that were not pushed as such (retries, reclaims, due delays).
    /// A job in flight carries its lease, so a pop or a settlement looks its id up once.
    var jobs: [String: StoredJob] = [:]
    var ready = Deque<ReadyItem>()
    var delayed = Heap<TimedID>()
    var delayedDue: [String: Int64] = [:]
    /// Jobs in `jobs` with a lease.
    var leasedCount = 0
    /// Every lease's deadline, and deadlines of leases since ended (settled or extended), which are dropped when due
    /// or, once they outnumber the live ones, all at once (``compactLeaseDeadlines()``).
    var leaseDeadlines = Heap<TimedID>()
    /// Entries of `leaseDeadlines` whose lease ended.
    var endedLeaseDeadlines = 0
    var errorOrder = Deque<TimedID>()
    var errors: [String: DeadJob] = [:]
    /// Sequence number of each error entry's current position in `errorOrder`.
    var errorSequence: [String: UInt64] = [:]
    var sequence: UInt64 = 0
    /// Grows whenever a job becomes runnable; a consumer about to wait compares it to what it saw.
    var pushEpoch: UInt64 = 0
    var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    /// Jobs in `ready` that were pushed as such and keep a result, counted by their id's hash value, so that a result
    /// lookup finds them queued without a `jobs` entry per job (small integer keys keep a deep queue cheap). Two ids
    /// with one hash value (1 in 2⁶⁴) make a lookup of the other one answer pending until the queued one is leased.
    var queuedResultKeepers: [Int: Int] = [:]
    /// Ids kept taken after their jobs left, by idempotent pushes with a hold.
    var idHolds = MemoryIDHolds()
    /// Stored results and the callers waiting for them.
    var results: MemoryResultState
    /// The task statistics.
    var statistics = MemoryStatisticsState()
    /// Result waiters to resume once the lock is released, with what to resume them with.
    var resultWakeups: [(MemoryResultState.Waiter, ResultLookup?)] = []

    init(maxResults: Int) {
        results = MemoryResultState(maxEntries: maxResults)
    }

    mutating func nextSequence() -> UInt64 {
        sequence &+= 1
        return sequence
    }

    /// Stores a new job (no reclaims) and makes it ready or delayed. A job that keeps its result and is runnable at
    /// once is counted in ``queuedResultKeepers``, so a result lookup finds it queued.
    /// `resultKeeperHash` is the id's hash value (computed before the lock is taken) for a job that keeps its result.
    mutating func insert(id: String, payload: JobPayload, delayMillis: Int64, resultKeeperHash: Int?, now: Int64) {
        guard delayMillis > 0 else {
            ready.append(ReadyItem(id: id, payload: payload, resultKeeperHash: resultKeeperHash, runnableAt: now))
            if let resultKeeperHash { queuedResultKeepers[resultKeeperHash, default: 0] += 1 }
            return
        }
        insertByID(id: id, payload: payload, delayMillis: delayMillis, now: now)
    }

    /// Stores a job under its id in ``jobs`` (where idempotent pushes look for it) and makes it ready or delayed.
    mutating func insertByID(id: String, payload: JobPayload, delayMillis: Int64, now: Int64) {
        // A reused id overwrites the payload; a lease the id holds stays (its consumer can still settle it).
        Self.replacePayload(of: &jobs[id, default: StoredJob(payload: payload, reclaims: 0)], with: payload)
        schedule(id: id, delayMillis: delayMillis, now: now)
    }

    /// Stores a new job as ``insert(id:payload:delayMillis:resultKeeperHash:now:)`` does unless its id is taken: a job
    /// with it is ready, delayed or in flight (such jobs are all in ``jobs``: this path never queues a payload in a
    /// ready item), or a hold on it lasts. Records a hold until `holdUntil` for a job it stores. `true` if it stored it.
    mutating func insertIfAbsent(id: String, payload: JobPayload, delayMillis: Int64, holdUntil: Int64?, now: Int64) -> Bool {
        guard jobs[id] == nil, !idHolds.holds(id, now: now) else { return false }
        insertByID(id: id, payload: payload, delayMillis: delayMillis, now: now)
        if let holdUntil { idHolds.hold(id, until: holdUntil, now: now) }
        return true
    }

    /// Stores the terminal record of a job that left the queue; its waiters are resumed with it once the lock is
    /// released. Without a record (its envelope could not be read) the waiters are resumed to look again.
    mutating func storeResult(_ result: StoredResult?, id: HashedID, now: Int64) {
        guard let result else {
            for waiter in results.removeWaiters(of: id.id) { resultWakeups.append((waiter, nil)) }
            return
        }
        let waiters = results.store(id: id, result: result.content, ttlMillis: result.ttl.wholeMilliseconds, now: now)
        guard !waiters.isEmpty else { return }
        let record = result.record
        for waiter in waiters { resultWakeups.append((waiter, .finished(record))) }
    }

    /// What is known about job `id`'s result: pending while the job is queued (a job requeued from the error queue
    /// is pending again, whatever its earlier record says), else its record.
    mutating func resultLookup(id: String, now: Int64) -> ResultLookup {
        if jobs[id] != nil || queuedResultKeepers[id.hashValue] != nil { return .pending }
        return results.record(of: id, now: now).map(ResultLookup.finished) ?? .unknown
    }

    mutating func schedule(id: String, delayMillis: Int64, now: Int64) {
        if delayMillis > 0 {
            let due = now.addingSaturated(delayMillis)
            delayed.insert(TimedID(at: due, sequence: nextSequence(), id: id))
            delayedDue[id] = due
        } else {
            ready.append(ReadyItem(id: id, runnableAt: now))
        }
    }

    /// Reclaims lapsed leases and promotes due delayed jobs.
    mutating func housekeep(now: Int64) {
        while let first = leaseDeadlines.min, first.at <= now {
            _ = leaseDeadlines.removeMin()
            guard let index = currentLease(first) else {
                endedLeaseDeadlines -= 1
                continue
            }
            jobs.values[index].lease = nil
            jobs.values[index].reclaims += 1
            leasedCount -= 1
            ready.append(ReadyItem(id: first.id, runnableAt: first.at))
        }
        while let first = delayed.min, first.at <= now {
            _ = delayed.removeMin()
            guard delayedDue[first.id] == first.at else { continue }
            delayedDue[first.id] = nil
            guard jobs[first.id] != nil else { continue }
            ready.append(ReadyItem(id: first.id, runnableAt: first.at))
        }
    }

    /// Milliseconds until the next delayed job is due or the next lease lapses, if any.
    func millisUntilNextTimer(now: Int64) -> Int64? {
        let candidates = [delayed.min?.at, leaseDeadlines.min?.at].compactMap { $0 }
        return candidates.min().map { max(0, $0.subtractingSaturated(now)) }
    }

    /// Moves a delayed job's due time to `now + delayMillis`; `false` if the job is not delayed.
    mutating func postpone(id: String, delayMillis: Int64, now: Int64) -> Bool {
        guard delayedDue[id] != nil, jobs[id] != nil else { return false }
        let due = now.addingSaturated(max(delayMillis, 0))
        delayedDue[id] = due
        delayed.insert(TimedID(at: due, sequence: nextSequence(), id: id))
        return true
    }

    mutating func addError(_ dead: DeadJob, limits: ErrorQueueLimits, now: Int64) {
        let sequence = nextSequence()
        errors[dead.id] = dead
        errorSequence[dead.id] = sequence
        errorOrder.append(TimedID(at: dead.error.at, sequence: sequence, id: dead.id))
        trimErrors(limits: limits, now: now)
    }

    mutating func trimErrors(limits: ErrorQueueLimits, now: Int64) {
        let oldest = now.subtractingSaturated(limits.maxAge.wholeMilliseconds)
        while let first = errorOrder.first {
            if !isCurrent(first) {
                errorOrder.removeFirst()
            } else if first.at < oldest || errors.count > limits.maxEntries {
                errorOrder.removeFirst()
                removeError(id: first.id)
            } else {
                break
            }
        }
    }

    /// Whether a position in `errorOrder` is the current one of its entry.
    private func isCurrent(_ item: TimedID) -> Bool {
        errorSequence[item.id] == item.sequence
    }

    /// Removes an error entry; `true` if there was one.
    @discardableResult
    mutating func removeError(id: String) -> Bool {
        errorSequence[id] = nil
        return errors.removeValue(forKey: id) != nil
    }

    mutating func removeAllErrors() {
        errors.removeAll()
        errorSequence.removeAll()
        errorOrder.removeAll()
    }

    /// Error entries oldest first.
    func orderedErrors() -> [DeadJob] {
        errorOrder.compactMap { item in isCurrent(item) ? errors[item.id] : nil }
    }

    mutating func clearJobs() {
        jobs.removeAll()
        ready.removeAll()
        delayed = Heap()
        delayedDue.removeAll()
        leasedCount = 0
        leaseDeadlines = Heap()
        endedLeaseDeadlines = 0
        queuedResultKeepers.removeAll()
        idHolds.removeAll()
        results.removeAllRecords()
        for waiter in results.removeAllWaiters() { resultWakeups.append((waiter, nil)) }
    }
}
