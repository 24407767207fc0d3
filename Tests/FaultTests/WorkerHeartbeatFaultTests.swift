import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A worker process killed with SIGKILL cannot remove its heartbeat: it must disappear by expiry.
@Suite("Worker heartbeat faults", .serialized, .enabled(if: FaultEnv.hasRedis, "needs REDIS_URL"), .timeLimit(.minutes(1)))
struct WorkerHeartbeatFaultTests {
    static let intervalMillis = 500

    @Test("a SIGKILLed worker process disappears from workers() within two heartbeat intervals; the others stay")
    func killedWorkerDisappears() async throws {
        let prefix = uniquePrefix("beat")
        let group = uniqueGroup()
        let directory = try makeTemporaryDirectory("beat")
        defer { try? FileManager.default.removeItem(at: directory) }
        let factory = try makeQuietFactory(prefix: prefix)
        let workers = try #require(try factory.makeBackend(group: group).workers)
        func arguments() -> [String] {
            [
                "--redis", FaultEnv.url, "--group", group, "--key-prefix", prefix, "--mode", "worker", "--concurrency", "2",
                "--heartbeat-ms", "\(Self.intervalMillis)", "--max-seconds", "60",
            ]
        }
        let doomed = try await ProcessRunner(arguments: arguments(), directory: directory, name: "doomed")
        defer { doomed.discard() }
        let survivor = try await ProcessRunner(arguments: arguments(), directory: directory, name: "survivor")
        defer { survivor.discard() }
        let bothListed = try await eventually(within: .seconds(30)) {
            Set(try await workers.workers().map(\.pid)) == [doomed.pid, survivor.pid]
        }
        try #require(bothListed, "the two worker processes never both beat: \(doomed.output) \(survivor.output)")

        await doomed.kill(SIGKILL)
        let killed = ContinuousClock.now
        await #expect(doomed.waitForExit(within: .seconds(5)) != nil)
        let gone = try await eventually(within: .seconds(5)) {
            try await !workers.workers().contains { $0.pid == doomed.pid }
        }
        let after = killed.duration(to: .now)
        #expect(gone, "the killed worker is still listed \(after) after SIGKILL")
        // Its last beat was at most one interval before the kill, and it is listed for two intervals after a beat;
        // the polling and a loaded machine get one more interval.
        #expect(after <= .milliseconds(3 * Self.intervalMillis), "gone only \(after) after SIGKILL")
        #expect(try await workers.workers().map(\.pid) == [survivor.pid], "the live worker stays listed")

        await survivor.kill(SIGTERM)
        await #expect(survivor.waitForExit(within: .seconds(10)) != nil)
        await factory.close()
    }
}
