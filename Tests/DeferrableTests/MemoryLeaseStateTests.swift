import HeapModule
import Testing

@testable import Deferrable

/// The memory store's lease bookkeeping: leases live in the job entries, and ended lease deadlines do not pile up.
@Suite("Memory store leases")
struct MemoryLeaseStateTests {
    private func filled(_ count: Int) -> MemoryGroupState {
        var state = MemoryGroupState(maxResults: 10)
        for index in 0..<count {
            state.insert(id: "j\(index)", payload: .encoded([UInt8(index % 256)]), delayMillis: 0, resultKeeperHash: nil, now: 0)
        }
        return state
    }

    private func take(
        _ state: inout MemoryGroupState, leaseMillis: Int64, now: Int64, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> LeasedJob {
        let job = state.takeReady(leaseMillis: leaseMillis, now: now)
        return try #require(job, sourceLocation: sourceLocation)
    }

    @Test("deadlines of settled leases are dropped in bulk; a live lease still lapses and is reclaimed once")
    func compaction() throws {
        var state = filled(3000)
        let held = try take(&state, leaseMillis: 1000, now: 0)
        for _ in 1..<3000 {
            let job = try take(&state, leaseMillis: 1000, now: 0)
            let done1 = state.endLease(of: job, removing: true)
            #expect(done1)
        }
        #expect(state.leaseDeadlines.count <= 1026)
        #expect(state.leasedCount == 1)
        #expect(state.jobs.count == 1)

        state.housekeep(now: 1000)
        #expect(state.leasedCount == 0)
        #expect(state.leaseDeadlines.isEmpty)
        let again = try take(&state, leaseMillis: 1000, now: 1000)
        #expect(again.id == held.id)
        #expect(again.reclaims == 1)
        let done2 = state.endLease(of: held, removing: true)
        #expect(!done2, "the lapsed lease's token is refused")
        let done3 = state.endLease(of: again, removing: true)
        #expect(done3)
        #expect(state.jobs.isEmpty)
    }

    @Test("an extended lease lapses at its new deadline only")
    func extendedLease() throws {
        var state = filled(1)
        let job = try take(&state, leaseMillis: 100, now: 0)
        let done4 = state.extend(job, leaseMillis: 500, now: 50)
        #expect(done4)
        state.housekeep(now: 100)
        #expect(state.leasedCount == 1)
        state.housekeep(now: 550)
        #expect(state.leasedCount == 0)
        let done5 = state.extend(job, leaseMillis: 500, now: 600)
        #expect(!done5)
        #expect(state.endedLeaseDeadlines == 0)
    }

    @Test("a delayed push reusing the id of a job in flight replaces its payload and keeps the lease")
    func reusedIDKeepsLease() throws {
        var state = filled(1)
        let job = try take(&state, leaseMillis: 1000, now: 0)
        state.insert(id: job.id, payload: .encoded([9]), delayMillis: 10, resultKeeperHash: nil, now: 0)
        #expect(state.leasedCount == 1)
        #expect(state.jobs[job.id]?.payload.bytes == [9])
        let done6 = state.endLease(of: job, removing: false)
        #expect(done6)
        #expect(state.leasedCount == 0)
        #expect(state.jobs[job.id]?.lease == nil)
    }

    @Test("a requeue with a new payload resets the reclaims")
    func requeueResetsReclaims() throws {
        var state = filled(1)
        _ = try take(&state, leaseMillis: 10, now: 0)
        state.housekeep(now: 10)
        let second = try take(&state, leaseMillis: 10, now: 10)
        #expect(second.reclaims == 1)
        let done7 = state.endLease(of: second, removing: false, newPayload: [7])
        #expect(done7)
        state.schedule(id: second.id, delayMillis: 0, now: 10)
        let third = try take(&state, leaseMillis: 10, now: 10)
        #expect(third.reclaims == 0)
        #expect(third.payload == [7])
    }
}
