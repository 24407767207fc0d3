import Deferrable
import DeferrableTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What happened after a worker was SIGKILLed while another one ran beside it.
struct KillRecovery {
    /// Every job id appears in one of the two outputs (within 60 s of the kill).
    let allDone: Bool
    /// Jobs in flight right after the kill (the killed worker's and the survivor's).
    let inFlightAtKill: Int
    /// The queue had nothing runnable, in flight or delayed left (within 10 s more).
    let settled: Bool
    /// From the kill to the moment every job had run.
    let recovery: Duration
    /// How many times each job ran in the killed worker and in the survivor.
    let killedRuns: [String: Int]
    let survivorRuns: [String: Int]
    /// The jobs both workers ran.
    var ranTwice: Set<String> { Set(killedRuns.keys).intersection(survivorRuns.keys) }
    /// The jobs neither ran.
    func missing(from ids: Set<String>) -> Set<String> { ids.subtracting(killedRuns.keys).subtracting(survivorRuns.keys) }
}

/// Starts the survivor of a kill test beside a running worker and returns once it has run a job: when its process is
/// up, `pushMore` pushes the rest of the jobs, which the two workers then share, so the first worker cannot have
/// drained the queue before the survivor got there. Returns the survivor and the ids `pushMore` pushed.
func startSurvivor(
    output: URL, start: () async throws -> ProcessRunner, pushMore: () async throws -> Set<String>
) async throws -> (survivor: ProcessRunner, pushed: Set<String>) {
    let survivor = try await start()
    do {
        try #require(
            await eventually(within: .seconds(30)) { survivor.output.contains(" ready") }, "\(survivor.output)")
        let pushed = try await pushMore()
        try #require(await eventually(within: .seconds(30)) { !readLines(output).isEmpty }, "\(survivor.output)")
        return (survivor, pushed)
    } catch {
        survivor.discard()
        throw error
    }
}

/// SIGKILLs `killed` and waits until the survivor has run every job of `ids` and `queue` is empty, then stops the
/// survivor (SIGTERM). Each worker appends the ids it ran to its output file.
func killAndRecover(
    _ killed: ProcessRunner, output killedOutput: URL, survivor: ProcessRunner, output survivorOutput: URL, ids: Set<String>,
    queue: any JobQueue
) async throws -> KillRecovery {
    await killed.kill(SIGKILL)
    let killedAt = ContinuousClock.now
    let inFlightAtKill = try await queue.stats().inFlight
    let allDone = await eventually(within: .seconds(60)) {
        Set(readLines(killedOutput)).union(readLines(survivorOutput)).isSuperset(of: ids)
    }
    let recovery = killedAt.duration(to: .now)
    let settled = try await eventually(within: .seconds(10)) {
        let stats = try await queue.stats()
        return stats.available == 0 && stats.inFlight == 0 && stats.delayed == 0
    }
    await survivor.kill(SIGTERM)
    return KillRecovery(
        allDone: allDone, inFlightAtKill: inFlightAtKill, settled: settled, recovery: recovery,
        killedRuns: countLines(readLines(killedOutput)),
        survivorRuns: countLines(readLines(survivorOutput)))
}
