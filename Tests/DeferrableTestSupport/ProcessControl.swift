import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts `process` from a fresh thread whose signal mask is empty, without blocking the caller's thread.
///
/// The asynchronous form of ``runWithUnblockedSignals(_:)``: a child inherits the signal mask of the thread that
/// spawns it, and the threads of Swift concurrency and Dispatch block most signals, so a server spawned from one
/// of them would ignore the signals a test sends it.
public func launchWithUnblockedSignals(_ process: Process) async throws {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        let thread = Thread {
            var empty = sigset_t()
            sigemptyset(&empty)
            pthread_sigmask(SIG_SETMASK, &empty, nil)
            continuation.resume(with: Result { try process.run() })
        }
        thread.start()
    }
}

/// Launches `process` (``launchWithUnblockedSignals(_:)``) and waits until it ends, without blocking a thread.
/// - Returns: its termination status.
/// - Throws: what launching threw, or ``TimedOut`` when it has not ended within `limit` (it is then SIGKILLed).
public func runToExit(_ process: Process, within limit: Duration) async throws -> Int32 {
    let (exits, exited) = AsyncStream<Int32>.makeStream(bufferingPolicy: .bufferingNewest(1))
    process.terminationHandler = { ended in
        exited.yield(ended.terminationStatus)
        exited.finish()
    }
    try await launchWithUnblockedSignals(process)
    let name = process.executableURL?.lastPathComponent ?? "process"
    do {
        return try await within(limit, "\(name) to end") {
            for await status in exits { return status }
            return -1
        }
    } catch {
        _ = kill(process.processIdentifier, SIGKILL)
        throw error
    }
}

/// `true` while `pid` names a process (a zombie that its parent has not reaped yet counts as ended).
public func processIsRunning(_ pid: Int32) -> Bool {
    guard kill(pid, 0) == 0 else { return false }
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let nameEnd = stat.lastIndex(of: ")")
    else { return true }
    let state = stat[nameEnd...].dropFirst(2).first
    return state != "Z" && state != "X"
}
