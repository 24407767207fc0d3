import Deferrable
import DeferrableTestSupport
import Foundation
import Testing

/// The `WorkerDirectory` contract: a beat lists a heartbeat until it expires, a new beat replaces it, removal drops it.
@Suite("WorkerDirectory behaviour")
struct WorkerDirectoryBehaviourTests {
    static func heartbeat(
        id: String = UUID().uuidString, host: String = "host-a", started: Int64 = 1_700_000_000_000, busy: Int = 0,
        jobIDs: [String] = [], expiresAfter: Duration = .seconds(60)
    ) -> WorkerHeartbeat {
        WorkerHeartbeat(
            id: id, host: host, pid: 4242, startedMillis: started, concurrency: 4, busySlots: busy, groups: ["g1", "g2"],
            jobIDs: jobIDs, beatMillis: SystemClock().nowMillis(), expiresAfterMillis: expiresAfter.wholeMilliseconds)
    }

    @Test("a beat is listed as written; a second beat of the same worker replaces it", arguments: TestBackend.keepingRecords)
    func beatAndReplace(backend: TestBackend) async throws {
        let directory = try #require(try await backend.makeBackend().workers)
        #expect(try await directory.workers().isEmpty)
        let first = Self.heartbeat(id: "w-1")
        try await directory.beat(first)
        #expect(try await directory.workers() == [first])
        let second = Self.heartbeat(id: "w-1", busy: 2, jobIDs: ["job-a", "job-b"])
        try await directory.beat(second)
        #expect(try await directory.workers() == [second])
    }

    @Test("workers are listed by host, then start time", arguments: TestBackend.keepingRecords)
    func order(backend: TestBackend) async throws {
        let directory = try #require(try await backend.makeBackend().workers)
        let late = Self.heartbeat(id: "w-late", host: "alpha", started: 2_000)
        let other = Self.heartbeat(id: "w-other", host: "beta", started: 1_000)
        let early = Self.heartbeat(id: "w-early", host: "alpha", started: 1_000)
        for heartbeat in [late, other, early] { try await directory.beat(heartbeat) }
        #expect(try await directory.workers().map(\.id) == ["w-early", "w-late", "w-other"])
    }

    @Test("remove drops a worker at once and leaves the others", arguments: TestBackend.keepingRecords)
    func remove(backend: TestBackend) async throws {
        let directory = try #require(try await backend.makeBackend().workers)
        try await directory.beat(Self.heartbeat(id: "w-stays"))
        try await directory.beat(Self.heartbeat(id: "w-goes"))
        try await directory.remove(workerID: "w-goes")
        #expect(try await directory.workers().map(\.id) == ["w-stays"])
        try await directory.remove(workerID: "w-never-beat")
        #expect(try await directory.workers().map(\.id) == ["w-stays"])
    }

    @Test("a heartbeat that is not beaten again disappears once it expires", arguments: TestBackend.keepingRecords)
    func expiry(backend: TestBackend) async throws {
        let directory = try #require(try await backend.makeBackend().workers)
        try await directory.beat(Self.heartbeat(id: "w-lasting"))
        // Long enough to be listed once even while every suite runs beside this one.
        try await directory.beat(Self.heartbeat(id: "w-short", expiresAfter: .seconds(2)))
        #expect(Set(try await directory.workers().map(\.id)) == ["w-lasting", "w-short"])
        try await eventually("the short heartbeat to expire", timeout: patience) {
            try await directory.workers().map(\.id) == ["w-lasting"]
        }
    }

    @Test("a beat again before the expiry keeps the worker listed", arguments: TestBackend.keepingRecords)
    func beatExtends(backend: TestBackend) async throws {
        let directory = try #require(try await backend.makeBackend().workers)
        let expiresAfter = Duration.milliseconds(400)
        try await directory.beat(Self.heartbeat(id: "w-beating", expiresAfter: expiresAfter))
        try await directory.beat(Self.heartbeat(id: "w-silent", expiresAfter: expiresAfter))
        // Beat the first one until the second one expired: it must stay listed throughout.
        let silentGone = try await eventually(within: patience) {
            try await directory.beat(Self.heartbeat(id: "w-beating", expiresAfter: expiresAfter))
            let listed = try await directory.workers().map(\.id)
            #expect(listed.contains("w-beating"))
            return listed == ["w-beating"]
        }
        #expect(silentGone)
    }

    @Test(
        "a directory keeps at most maxWorkersPerGroup heartbeats: one more drops the one expiring first",
        arguments: TestBackend.keepingRecords)
    func bounded(backend: TestBackend) async throws {
        let directory = try #require(try await backend.makeBackend().workers)
        try await directory.beat(Self.heartbeat(id: "w-first-to-expire", expiresAfter: .seconds(30)))
        for index in 0..<WorkerHeartbeat.maxWorkersPerGroup {
            try await directory.beat(Self.heartbeat(id: "w-\(index)", expiresAfter: .seconds(60)))
        }
        let listed = try await directory.workers()
        #expect(listed.count == WorkerHeartbeat.maxWorkersPerGroup)
        #expect(!listed.contains { $0.id == "w-first-to-expire" })
    }

    @Test("a heartbeat out of bounds is refused and nothing is stored", arguments: TestBackend.keepingRecords)
    func validation(backend: TestBackend) async throws {
        let directory = try #require(try await backend.makeBackend().workers)
        var noID = Self.heartbeat(id: "")
        await #expect(throws: DeferrableError.self) { try await directory.beat(noID) }
        noID.id = String(repeating: "x", count: WorkerHeartbeat.maxIDLength + 1)
        await #expect(throws: DeferrableError.self) { try await directory.beat(noID) }
        await #expect(throws: DeferrableError.self) { try await directory.beat(Self.heartbeat(id: "w\n1")) }
        var negative = Self.heartbeat(id: "w-negative")
        negative.busySlots = -1
        await #expect(throws: DeferrableError.self) { try await directory.beat(negative) }
        var forever = Self.heartbeat(id: "w-forever")
        forever.expiresAfterMillis = .max
        await #expect(throws: DeferrableError.self) { try await directory.beat(forever) }
        var neverListed = Self.heartbeat(id: "w-zero")
        neverListed.expiresAfterMillis = 0
        await #expect(throws: DeferrableError.self) { try await directory.beat(neverListed) }
        var tooManyJobs = Self.heartbeat(id: "w-jobs")
        tooManyJobs.jobIDs = (0...WorkerHeartbeat.maxListedJobs).map { "j\($0)" }
        await #expect(throws: DeferrableError.self) { try await directory.beat(tooManyJobs) }
        #expect(try await directory.workers().isEmpty)
    }
}
