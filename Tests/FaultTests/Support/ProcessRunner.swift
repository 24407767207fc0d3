import DeferrableTestSupport
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `deferrable-fault-worker` (built next to the test bundle) as a child process.
///
/// Output goes to files in `directory` (never to pipes, which could fill up and stall the child). The
/// process is stopped by its pid only; call ``discard()`` in a `defer`. Every wait for the process happens off the
/// cooperative pool.
final class ProcessRunner: @unchecked Sendable {
    let process: Process
    let logFile: URL

    /// Starts the fault worker with `arguments`; its stderr/stdout go to `directory/<name>.log`.
    init(arguments: [String], directory: URL, name: String) async throws {
        guard let executable = Self.faultWorkerPath else {
            throw FaultTestError(
                "deferrable-fault-worker not found next to the test bundle; build with `swift build --build-tests` "
                    + "or set DEFERRABLE_FAULT_WORKER")
        }
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        logFile = directory.appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logFile)
        process.standardOutput = handle
        process.standardError = handle
        try await launchWithUnblockedSignals(process)
        try? handle.close()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// Sends `signal` to this process (by pid) if it still runs and waits up to 10 s for it to end (then SIGKILL).
    func kill(_ signal: Int32 = SIGKILL) async {
        guard process.isRunning else { return }
        await offCooperativePool { [process] in stopProcessBlocking(process, signal: signal) }
    }

    /// Sends SIGKILL now if the process still runs; the wait for its exit goes on in the background: the cleanup
    /// for a `defer`.
    func discard() {
        guard process.isRunning else { return }
        signalProcess(process.processIdentifier, SIGKILL)
        inBackground { [process] in waitForProcessExit(process, within: .seconds(10)) }
    }

    /// Waits up to `limit` for the process to end by itself; its termination status, or `nil` if it still runs.
    func waitForExit(within limit: Duration) async -> Int32? {
        await offCooperativePool { [process] in waitForProcessExit(process, within: limit) ? process.terminationStatus : nil }
    }

    /// The captured output (for failure messages), last 2,000 characters.
    var output: String {
        String((try? String(contentsOf: logFile, encoding: .utf8))?.suffix(2000) ?? "")
    }

    /// The built `deferrable-fault-worker`: `$DEFERRABLE_FAULT_WORKER`, or the file of that name in the folder
    /// holding the test bundle (`.build/debug/`), or in a parent of it.
    static let faultWorkerPath: String? = {
        if let path = ProcessInfo.processInfo.environment["DEFERRABLE_FAULT_WORKER"] { return path }
        var candidates: [URL] = []
        for start in [Bundle.main.bundleURL, Bundle.main.executableURL, URL(fileURLWithPath: CommandLine.arguments[0])].compactMap(\.self) {
            var url = start.resolvingSymlinksInPath()
            for _ in 0..<4 {
                url.deleteLastPathComponent()
                candidates.append(url.appendingPathComponent("deferrable-fault-worker"))
            }
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }?.path
    }()
}

/// Lines of a file the fault worker appends to, counted.
func readLines(_ url: URL) -> [String] {
    guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
    return text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
}

/// How many times each line occurs.
func countLines(_ lines: [String]) -> [String: Int] {
    var counts: [String: Int] = [:]
    for line in lines { counts[line, default: 0] += 1 }
    return counts
}

/// A fresh temporary directory for one test.
func makeTemporaryDirectory(_ label: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("deferrable-\(label)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
