import Deferrable
import DeferrableTestSupport
import Foundation
import Testing

/// Starts one worker per round for the job `id` that kills its worker on every run (each worker appends
/// `crash <id>` to `output` before it dies), and expects the job in `errorQueue` as `AttemptsExhausted` after exactly
/// `maxAttempts` crashes.
func expectDeadLetteredAfterCrashes(
    id: String, errorQueue: any ErrorQueue, maxAttempts: Int, output: URL, startWorker: (Int) async throws -> ProcessRunner
) async throws {
    let (crashes, record) = try await crashUntilDeadLettered(
        id: id, errorQueue: errorQueue, rounds: maxAttempts + 3, startWorker: startWorker)
    let entry = try #require(record, "the job is not in the error queue after \(crashes) crashes")
    #expect(entry.type == "AttemptsExhausted")
    #expect(entry.attempts == maxAttempts)
    #expect(crashes == maxAttempts)
    #expect(readLines(output).filter { $0 == "crash \(id)" }.count == maxAttempts)
}

/// Each round waits up to 20 s for the worker to die (it must exit with status 137) or for the job `id` to reach
/// `errorQueue`. Returns how many workers died and the job's error record, `nil` when it never got there within
/// `rounds`.
private func crashUntilDeadLettered(
    id: String, errorQueue: any ErrorQueue, rounds: Int, startWorker: (Int) async throws -> ProcessRunner
) async throws -> (crashes: Int, record: ErrorRecord?) {
    var crashes = 0
    for round in 0..<rounds {
        let worker = try await startWorker(round)
        defer { worker.discard() }
        var crashed = false
        let ended = try await eventually(within: .seconds(20)) {
            if !worker.isRunning {
                crashed = true
                return true
            }
            return try await errorQueue.entry(id: id) != nil
        }
        try #require(ended, "round \(round): the worker neither crashed nor dead-lettered the job: \(worker.output)")
        guard crashed else { return (crashes, try await errorQueue.entry(id: id)?.error) }
        #expect(worker.process.terminationStatus == 137, "\(worker.output)")
        crashes += 1
    }
    return (crashes, nil)
}
