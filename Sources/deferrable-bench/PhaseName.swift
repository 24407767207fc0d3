import Foundation

/// A benchmark phase, as named in `--phases` and in the output.
enum PhaseName: String, CaseIterable, Sendable {
    /// Library-client round-trip ceilings (PING and LPUSH loops, pipelined LPUSH) and `redis-benchmark`.
    case reference
    /// One task awaiting `later()` N times.
    case enqueueSingle = "enqueue-single"
    /// C tasks awaiting `later()` until N jobs are pushed.
    case enqueueConcurrent = "enqueue-concurrent"
    /// Batches of B through `laterMany`.
    case enqueueBulk = "enqueue-bulk"
    /// N jobs queued, then C consumers; first job start to last completion.
    case drain
    /// `drain` of the plain job and of the same job returning a value, in the same run; the cost of results.
    case drainResults = "drain-results"
    /// `drain` with task statistics off and on, in the same run; the cost of statistics.
    case drainStatistics = "drain-stats"
    /// Idle consumers, jobs sent at a fixed rate; push-to-start latency.
    case latency
    /// Idle consumers, jobs pushed with delays of 0.1 to 1 s; due-to-start lateness.
    case delayedLatency = "delayed-latency"
    /// Idle consumers, jobs that return a value sent at a fixed rate; body-return-to-caller-resume latency.
    case resultLatency = "result-latency"
    /// Idle consumers, push then await the result, one at a time; the round trip.
    case resultRoundtrip = "result-roundtrip"
    /// Resident memory of 1M queued small jobs in the memory backend.
    case memoryFootprint = "memory-footprint"
    /// The circuit breaker's overhead: guarded no-op calls, and `drain` with a closed breaker against none.
    case breaker
    /// The short-term pool's overhead per item, and 100,000 items through a pool of 16 (in process).
    case pool
    /// A collection from 100 immediate listeners, inline and on a pool of 16 (in process).
    case signalCollect = "signal-collect"

    /// Phases that measure in-process parts of the library rather than a backend: they run once, reported on the
    /// memory backend.
    var isInProcess: Bool { self == .pool || self == .signalCollect }

    /// Parses a comma-separated list (`all` for the default set); `nil` names the first unknown entry.
    static func parseList(_ text: String) -> Result<[PhaseName], UnknownPhase> {
        var phases: [PhaseName] = []
        for raw in text.split(separator: ",") {
            let name = raw.trimmingCharacters(in: .whitespaces)
            if name == "all" {
                phases.append(contentsOf: PhaseName.allCases)
                continue
            }
            guard let phase = PhaseName(rawValue: name) else { return .failure(UnknownPhase(name: name)) }
            phases.append(phase)
        }
        return .success(phases)
    }

    /// A `--phases` entry that names no phase.
    struct UnknownPhase: Error {
        /// The entry as given.
        let name: String
    }
}
