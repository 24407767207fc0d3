import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import InMemoryLogging
import Logging
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `RedisReplicaConfirmation` on a private primary with one replica: the replica is stopped (SIGSTOP) so that it
/// cannot confirm, and continued (SIGCONT) again.
@Suite("Replica confirmation (WAIT)", .serialized, .enabled(if: RedisServerProcess.isAvailable), .timeLimit(.minutes(2)))
struct ReplicaConfirmationTests {
    struct Numbered: Codable, Sendable { var n: Int }

    /// A primary that sends its first full sync at once (not after the default 5 s of waiting for more replicas).
    static let primaryArguments = ["--repl-diskless-sync-delay", "0"]

    /// A primary and a replica of it, both with `arguments`, once the replica is in sync (both stopped if it never is).
    private func startPair(arguments: [String] = []) async throws -> (primary: RedisServerProcess, replica: RedisServerProcess) {
        let primary = try await RedisServerProcess(arguments: Self.primaryArguments + arguments)
        let replica: RedisServerProcess
        do {
            replica = try await RedisServerProcess(arguments: arguments + ["--replicaof", "127.0.0.1", "\(primary.port)"])
        } catch {
            await primary.stopAndRemove()
            throw error
        }
        do {
            try await waitUntilInSync(primary)
        } catch {
            stop(primary, replica)
            throw error
        }
        return (primary, replica)
    }

    /// Continues the replica if it was stopped, then stops both servers.
    private func stop(_ primary: RedisServerProcess, _ replica: RedisServerProcess) {
        if let pid = replica.pid { signalProcess(pid, SIGCONT) }
        replica.discard()
        primary.discard()
    }

    /// Waits until the replica has acknowledged a write made after it came online (a replica fresh from its full
    /// sync answers `WAIT` only once it sent its first acknowledgement).
    private func waitUntilInSync(_ primary: RedisServerProcess) async throws {
        try await eventually("the replica to be online", timeout: .seconds(20)) {
            guard case .bulk(let info) = rawCommand(port: primary.port, ["INFO", "replication"]) else { return false }
            return info.contains("state=online")
        }
        _ = rawCommand(port: primary.port, ["SET", "replica-sync-probe", "1"])
        try await eventually("the replica to acknowledge a write", timeout: .seconds(20)) {
            guard case .bulk(let info) = rawCommand(port: primary.port, ["INFO", "replication"]) else { return false }
            let lines = info.split(whereSeparator: \.isNewline)
            let primaryOffset = lines.first { $0.hasPrefix("master_repl_offset:") }.flatMap { Int($0.dropFirst(19)) }
            let replicaOffset = lines.first { $0.hasPrefix("slave0:") }?.split(separator: ",")
                .first { $0.hasPrefix("offset=") }.flatMap { Int($0.dropFirst(7)) }
            guard let primaryOffset, let replicaOffset else { return false }
            return primaryOffset > 0 && replicaOffset >= primaryOffset
        }
    }

    private func configuration(_ primary: RedisServerProcess, replicas: Int, appendOnlyFile: Bool = false) throws
        -> RedisConfiguration
    {
        var configuration = try RedisConfiguration(url: primary.url)
        configuration.replicaConfirmation = try RedisReplicaConfirmation(
            replicas: replicas, timeout: .milliseconds(300), appendOnlyFile: appendOnlyFile)
        return configuration
    }

    @Test("a push is acknowledged once the replica has it; with the replica stopped it fails with notReplicated, and still runs")
    func pushWaitsForTheReplica() async throws {
        let (primary, replica) = try await startPair()
        defer { stop(primary, replica) }
        let factory = RedisBackendFactory(configuration: try configuration(primary, replicas: 1))
        let deferrable = try Deferrable(factory: factory, group: "confirmed")
        let ran = Locked<[Int]>([])
        let job = try deferrable.register("n") { (number: Numbered, _: JobContext) in ran.withLock { $0.append(number.n) } }

        try await job.later(Numbered(n: 1))
        let replicaPid = try #require(replica.pid)
        signalProcess(replicaPid, SIGSTOP)
        do {
            try await job.later(Numbered(n: 2))
            Issue.record("a push with the replica stopped was acknowledged")
        } catch let RedisError.notReplicated(endpoint, replicas, required) {
            #expect(endpoint == "127.0.0.1:\(primary.port)")
            #expect(replicas == 0)
            #expect(required == 1)
        }
        signalProcess(replicaPid, SIGCONT)
        try await job.later(Numbered(n: 3))

        // The unconfirmed push is on the primary: all three run.
        for _ in 0..<3 {
            let outcome = try await deferrable.runOnce(waitingUpTo: .seconds(2))
            #expect("\(outcome)".hasPrefix("completed"), "\(outcome)")
        }
        #expect(ran.value.sorted() == [1, 2, 3])
        await factory.close()
    }

    @Test("a settlement is confirmed too: with the replica stopped the completion is repeated until the replica confirms")
    func settlementWaitsForTheReplica() async throws {
        let (primary, replica) = try await startPair()
        defer { stop(primary, replica) }
        let logs = InMemoryLogHandler()
        let factory = RedisBackendFactory(configuration: try configuration(primary, replicas: 1))
        let deferrable = try Deferrable(
            factory: factory, group: "confirmed-settle", defaults: JobDefaults(lease: .seconds(30)),
            logger: logs.logger(level: .warning))
        let replicaPid = try #require(replica.pid)
        let job = try deferrable.register("stop-replica") { (_: Numbered, _: JobContext) in
            signalProcess(replicaPid, SIGSTOP)
        }
        try await job.later(Numbered(n: 1))

        let run = Task { try await deferrable.runOnce(waitingUpTo: .seconds(2)) }
        try await eventually("the first completion to fail for want of the replica", timeout: .seconds(10)) {
            !logs.records("a settlement failed; repeating it until the lease deadline").isEmpty
        }
        let failure = try #require(logs.records("a settlement failed; repeating it until the lease deadline").first)
        #expect(failure.text.contains("confirmed by 0 of 1 replicas"), "\(failure.text)")
        signalProcess(replicaPid, SIGCONT)
        let outcome = try await run.value
        #expect("\(outcome)".hasPrefix("completed"), "\(outcome)")
        #expect(try await deferrable.stats().inFlight == 0)
        await factory.close()
    }

    @Test("more replicas than the primary has: every push fails with notReplicated after the timeout")
    func tooFewReplicas() async throws {
        let (primary, replica) = try await startPair()
        defer { stop(primary, replica) }
        let factory = RedisBackendFactory(configuration: try configuration(primary, replicas: 2))
        let deferrable = try Deferrable(factory: factory, group: "confirmed-two")
        let job = try deferrable.register("n") { (_: Numbered, _: JobContext) in }
        do {
            try await job.later(Numbered(n: 1))
            Issue.record("a push confirmed by 2 replicas on a primary that has 1")
        } catch let RedisError.notReplicated(endpoint, replicas, required) {
            #expect(endpoint == "127.0.0.1:\(primary.port)")
            #expect(replicas <= 1)
            #expect(required == 2)
        }
        #expect(try await deferrable.stats().available == 1)
        await factory.close()
    }

    @Test("WAITAOF: confirmed with appendonly on Redis 7.2+, a clear server error on older servers")
    func appendOnlyFileConfirmation() async throws {
        let (primary, replica) = try await startPair(arguments: ["--appendonly", "yes"])
        defer { stop(primary, replica) }
        let hasWaitAOF: Bool
        if case .array(let entries) = rawCommand(port: primary.port, ["COMMAND", "INFO", "WAITAOF"]), case .array = entries.first {
            hasWaitAOF = true
        } else {
            hasWaitAOF = false
        }
        let factory = RedisBackendFactory(configuration: try configuration(primary, replicas: 1, appendOnlyFile: true))
        let deferrable = try Deferrable(factory: factory, group: "confirmed-aof")
        let job = try deferrable.register("n") { (_: Numbered, _: JobContext) in }
        if hasWaitAOF {
            try await job.later(Numbered(n: 1))
            #expect(try await deferrable.stats().available == 1)
        } else {
            do {
                try await job.later(Numbered(n: 1))
                Issue.record("WAITAOF on a server without it acknowledged a push")
            } catch let error as RedisError {
                guard case .server(let message) = error else {
                    Issue.record("expected the server's error reply, got \(error)")
                    return
                }
                #expect(message.lowercased().contains("waitaof"), "\(message)")
            }
        }
        await factory.close()
    }
}
