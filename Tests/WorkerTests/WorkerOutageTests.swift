import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import InMemoryLogging
import Logging
import Testing

@Suite("Worker: Redis outage", .serialized)
struct WorkerOutageTests {
    @Test(
        "the worker survives Redis going away and coming back",
        .enabled(if: ProcessInfo.processInfo.environment["REDIS_URL"] != nil && RedisServerProcess.isAvailable),
        .timeLimit(.minutes(1)))
    func survivesRestart() async throws {
        let server = try await RedisServerProcess()
        defer { server.discard() }

        let factory = try RedisBackendFactory(url: server.url)
        let deferrable = try Deferrable(factory: factory, group: "outage")
        let runs = RunCounter()
        let handle = try deferrable.register("job") { (_: Int, _: JobContext) in runs.next() }
        let logs = InMemoryLogHandler()
        let worker = Worker(
            deferrable,
            configuration: .init(concurrency: 2, idleWait: .milliseconds(500), backendRetryMaxDelay: .seconds(1)),
            logger: logs.logger())
        let started = ContinuousClock.now
        let running = Task { try await worker.run() }
        defer { running.cancel() }

        try await handle.later(1)
        try await eventually("the first job to run") { runs.count == 1 }

        await server.stop()
        try await eventually("the worker to notice the outage", timeout: .seconds(8)) {
            !logs.records("backend unreachable; the worker keeps retrying with backoff", level: .warning).isEmpty
        }
        try await eventually("the worker to retry while Redis is down", timeout: .seconds(8)) {
            logs.records("backend still unreachable", level: .debug).count >= 2
        }
        try await server.start()

        try await eventually("a push to succeed after the restart", timeout: .seconds(8)) {
            (try? await handle.later(2)) != nil
        }
        try await eventually("the job pushed after the restart to run", timeout: .seconds(8)) { runs.count == 2 }
        #expect(logs.records("backend unreachable; the worker keeps retrying with backoff", level: .warning).count == 1)
        #expect(logs.records("backend reachable again", level: .notice).count == 1)

        worker.shutdownGracefully()
        try await within(.seconds(3), "the worker to stop") { try await running.value }
        await factory.close()
        #expect(started.duration(to: .now) < .seconds(20))
    }
}
