import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import InMemoryLogging
import Logging
import Testing

@Suite("Worker: heartbeats")
struct WorkerHeartbeatTests {
    @Test("a running worker's heartbeat lists its busy slots and the ids of the jobs it runs", arguments: TestBackend.available)
    func listsRunningJobs(backend: TestBackend) async throws {
        let (factory, cleanup) = try backend.makeFactory()
        defer { Task { await cleanup() } }
        let deferrable = try Deferrable(factory: factory, group: "beats")
        let other = try Deferrable(factory: factory, group: "beats-other")
        let started = RunCounter()
        let finish = AsyncGate()
        let handle = try deferrable.register("held") { (_: Int, _: JobContext) in
            started.next()
            await finish.wait()
        }
        let first = try await handle.later(1)
        let second = try await handle.later(2)
        let worker = try Worker(
            [deferrable, other], configuration: .init(concurrency: 3, heartbeatInterval: .milliseconds(500)),
            logger: InMemoryLogHandler().logger())
        let directory = try #require(deferrable.backend.workers)
        let otherDirectory = try #require(other.backend.workers)
        let beforeRun = deferrable.clock.nowMillis()
        let running = Task { try await worker.run() }
        defer { running.cancel() }

        try await eventually("both jobs to start") { started.count == 2 }
        try await eventually("a heartbeat with both jobs", timeout: .seconds(10)) {
            try await directory.workers().first?.busySlots == 2
        }
        let heartbeat = try #require(try await directory.workers().first)
        #expect(heartbeat.id == worker.id)
        #expect(Set(heartbeat.jobIDs) == [first.id, second.id])
        #expect(heartbeat.concurrency == 3)
        #expect(heartbeat.groups == ["beats", "beats-other"])
        #expect(heartbeat.pid == ProcessInfo.processInfo.processIdentifier)
        #expect(heartbeat.host == ProcessInfo.processInfo.hostName)
        #expect(heartbeat.expiresAfterMillis == 1000, "two heartbeat intervals")
        #expect(heartbeat.startedMillis >= beforeRun, "the start of run(), not of init")
        #expect(heartbeat.startedMillis <= heartbeat.beatMillis)
        #expect(try await otherDirectory.workers().map(\.id) == [worker.id], "listed in every group it consumes")

        finish.open()
        try await eventually("a heartbeat with no job", timeout: .seconds(10)) {
            let now = try await directory.workers().first
            return now?.busySlots == 0 && now?.jobIDs == []
        }
        worker.shutdownGracefully()
        try await within(.seconds(5), "the worker to stop") { try await running.value }
        #expect(try await directory.workers().isEmpty, "a clean stop removes the heartbeat at once")
        #expect(try await otherDirectory.workers().isEmpty)
    }

    @Test("a worker whose task is cancelled removes its heartbeat too", arguments: TestBackend.available)
    func cancelledRemoves(backend: TestBackend) async throws {
        let (factory, cleanup) = try backend.makeFactory()
        defer { Task { await cleanup() } }
        let deferrable = try Deferrable(factory: factory, group: "beats-cancel")
        let worker = Worker(deferrable, configuration: .init(heartbeatInterval: .seconds(30)), logger: InMemoryLogHandler().logger())
        let directory = try #require(deferrable.backend.workers)
        let running = Task { try await worker.run() }
        try await eventually("the first heartbeat") { try await directory.workers().map(\.id) == [worker.id] }
        running.cancel()
        try await within(.seconds(5), "the worker to stop") { try await running.value }
        #expect(try await directory.workers().isEmpty)
    }

    @Test("the start time in the heartbeat is when run() began, not when the worker was made")
    func startTime() async throws {
        let clock = ManualClock()
        let deferrable = try Deferrable(factory: MemoryBackendFactory(clock: clock), group: "beats-start", clock: clock)
        let worker = Worker(deferrable, configuration: .init(heartbeatInterval: .seconds(30)), logger: InMemoryLogHandler().logger())
        clock.advance(by: .seconds(60))
        let directory = try #require(deferrable.backend.workers)
        let running = Task { try await worker.run() }
        defer { running.cancel() }
        try await eventually("the first heartbeat") { try await !directory.workers().isEmpty }
        #expect(try await directory.workers().first?.startedMillis == clock.nowMillis())
        worker.shutdownGracefully()
        try await within(.seconds(5), "the worker to stop") { try await running.value }
    }

    @Test("the heartbeat interval is clamped to 50 ms ... 12 h")
    func intervalClamped() throws {
        let deferrable = try Deferrable(factory: MemoryBackendFactory(), group: "clamp")
        func interval(_ asked: Duration) -> Duration {
            Worker(deferrable, configuration: .init(heartbeatInterval: asked)).configuration.heartbeatInterval
        }
        #expect(interval(.zero) == .milliseconds(50))
        #expect(interval(.seconds(-3)) == .milliseconds(50))
        #expect(interval(.seconds(86_400 * 365)) == .seconds(43_200))
        #expect(interval(.seconds(2)) == .seconds(2))
        #expect(Worker(deferrable).configuration.heartbeatInterval == .seconds(5))
    }

    @Test(
        "a failing heartbeat is logged once per outage and does not stop the worker",
        .enabled(if: TestBackend.redisURL != nil && RedisServerProcess.isAvailable), .timeLimit(.minutes(1)))
    func failingBeat() async throws {
        let server = try await RedisServerProcess()
        defer { server.discard() }
        let factory = try RedisBackendFactory(url: server.url)
        let deferrable = try Deferrable(factory: factory, group: "beat-outage")
        let runs = RunCounter()
        let handle = try deferrable.register("job") { (_: Int, _: JobContext) in runs.next() }
        let logs = InMemoryLogHandler()
        let worker = Worker(
            deferrable,
            configuration: .init(
                concurrency: 1, idleWait: .milliseconds(200), backendRetryMaxDelay: .milliseconds(500),
                heartbeatInterval: .milliseconds(300)),
            logger: logs.logger())
        let directory = try #require(deferrable.backend.workers)
        let running = Task { try await worker.run() }
        defer { running.cancel() }
        try await eventually("the first heartbeat") { try await directory.workers().map(\.id) == [worker.id] }

        await server.stop()
        let failed = "cannot write the worker's heartbeat; the worker keeps running and beats again"
        try await eventually("the failing beat to be logged", timeout: .seconds(10)) {
            !logs.records(failed, level: .warning).isEmpty
        }
        try await eventually("further beats to fail", timeout: .seconds(10)) {
            logs.records("the worker's heartbeat still fails", level: .debug).count >= 2
        }
        try await server.start()
        try await eventually("the heartbeat to be written again", timeout: .seconds(10)) {
            !logs.records("the worker's heartbeat is written again", level: .notice).isEmpty
        }
        #expect(try await directory.workers().map(\.id) == [worker.id])
        #expect(logs.records(failed, level: .warning).count == 1, "one warning for the outage")
        try await eventually("a push to succeed after the restart", timeout: .seconds(10)) { (try? await handle.later(1)) != nil }
        try await eventually("the worker to run a job after the outage", timeout: .seconds(10)) { runs.count == 1 }

        worker.shutdownGracefully()
        try await within(.seconds(5), "the worker to stop") { try await running.value }
        #expect(try await directory.workers().isEmpty)
        await factory.close()
    }
}
