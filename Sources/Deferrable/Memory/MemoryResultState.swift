/// The stored results of one in-memory group and the callers waiting for them. Only ever touched under
/// ``MemoryGroupStore``'s lock, so a settlement stores a record and finds its waiters in one step.
struct MemoryResultState {
    struct Entry {
        /// The record, kept as the consumer made it (a value is encoded when it is read).
        var record: StoredResult.Content
        var expiresAt: Int64
        var sequence: UInt64
    }

    /// A caller waiting for a job's record, resumed with the record when it is written (or with `nil` to look again);
    /// its timer ends the wait at its deadline and is cancelled when the waiter is resumed sooner.
    struct Waiter {
        var continuation: CheckedContinuation<ResultLookup?, Never>
        var timer: Task<Void, Never>

        /// Resumes the waiter with `value` and stops its timer.
        func resume(returning value: ResultLookup?) {
            timer.cancel()
            continuation.resume(returning: value)
        }
    }

    /// Most records kept at once; storing one more drops the one that expires first.
    let maxEntries: Int
    private(set) var entries: [HashedID: Entry] = [:]
    /// Every entry's expiry, oldest first; an entry replaced by a newer record of the same id leaves a stale item,
    /// recognised by its sequence number.
    private var expiries = ExpiryOrder()
    private(set) var waiters: [String: [UInt64: Waiter]] = [:]
    private var sequence: UInt64 = 0

    init(maxEntries: Int) {
        self.maxEntries = maxEntries
    }

    /// Stores `record` for `id` until `now + ttlMillis`; returns the waiters to resume with it.
    mutating func store(id key: HashedID, result record: StoredResult.Content, ttlMillis: Int64, now: Int64) -> [Waiter] {
        removeExpired(now: now, atMost: Self.expiryBatch)
        sequence &+= 1
        let expiresAt = now.addingSaturated(max(ttlMillis, 1))
        entries[key] = Entry(record: record, expiresAt: expiresAt, sequence: sequence)
        expiries.insert(MemoryGroupState.TimedID(at: expiresAt, sequence: sequence, id: key.id))
        while entries.count > maxEntries, let first = expiries.popMin() {
            removeEntry(first)
        }
        return waiters.isEmpty ? [] : removeWaiters(of: key.id)
    }

    /// The record of `id` if it has not expired.
    mutating func record(of id: String, now: Int64) -> [UInt8]? {
        removeExpired(now: now, atMost: Self.expiryBatch)
        guard let entry = entries[HashedID(id)], entry.expiresAt > now else { return nil }
        return entry.record.bytes
    }

    /// Records not yet expired (drops every expired one first).
    mutating func count(now: Int64) -> Int {
        removeExpired(now: now, atMost: .max)
        return entries.count
    }

    /// Removes the waiters of `id`.
    mutating func removeWaiters(of id: String) -> [Waiter] {
        Array((waiters.removeValue(forKey: id) ?? [:]).values)
    }

    mutating func addWaiter(_ waiter: Waiter, id: String, key: UInt64) {
        waiters[id, default: [:]][key] = waiter
    }

    /// Removes a waiter; the waiter if it was still waiting.
    mutating func removeWaiter(id: String, key: UInt64) -> Waiter? {
        guard let waiter = waiters[id]?.removeValue(forKey: key) else { return nil }
        if waiters[id]?.isEmpty == true { waiters[id] = nil }
        return waiter
    }

    /// Removes every record (the group was flushed) and gives the storage back.
    mutating func removeAllRecords() {
        entries = [:]
        expiries = ExpiryOrder()
    }

    /// Removes every waiter (the group was flushed): they look again.
    mutating func removeAllWaiters() -> [Waiter] {
        defer { waiters.removeAll() }
        return waiters.values.flatMap(\.values)
    }

    /// Expired records dropped by one store or lookup at most, so that no single call holds the group's lock for
    /// long after many records expired at once; ``count(now:)`` drops them all.
    static let expiryBatch = 1024

    /// Drops up to `limit` expired records; once few are left of what the storage grew to, gives the storage back.
    private mutating func removeExpired(now: Int64, atMost limit: Int) {
        guard let first = expiries.min, first.at <= now else { return }
        var removed = 0
        while removed < limit, let first = expiries.min, first.at <= now {
            removed += 1
            _ = expiries.popMin()
            removeEntry(first)
        }
        if entries.capacity > 1024, entries.count < entries.capacity / 4 {
            entries = Dictionary(minimumCapacity: entries.count * 2).merging(entries) { first, _ in first }
            expiries.filter { entries[HashedID($0.id)]?.sequence == $0.sequence }
        }
    }

    /// Removes the entry an expiry item names, unless a newer record of the id replaced it.
    private mutating func removeEntry(_ item: MemoryGroupState.TimedID) {
        let key = HashedID(item.id)
        if entries[key]?.sequence == item.sequence { entries[key] = nil }
    }

    /// The storage in use, in entries: what the dictionary and the expiry heap can hold (tests check that it shrinks).
    var footprint: (entries: Int, capacity: Int, expiries: Int) {
        (entries.count, entries.capacity, expiries.count)
    }
}
