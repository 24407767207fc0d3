import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A private `redis-server` on a free loopback port, in a temporary directory of its own.
///
/// Started with `Process`, stopped by its pid only (SIGTERM, then SIGKILL after a deadline), restartable on the
/// same port and directory (so an append-only file is reloaded). Every wait for the process happens on a thread
/// of its own (``offCooperativePool(_:)-(()->T)``), never on a thread of the cooperative pool. Always end with
/// ``stopAndRemove()``, or ``discard()`` in a `defer`.
public final class RedisServerProcess: @unchecked Sendable {
    public let port: Int
    public let directory: URL
    public let extraArguments: [String]
    private let lock = NSLock()
    private var process: Process?

    /// Starts a server and waits until it answers `PING` (or `-NOAUTH`), for at most 10 s.
    /// - Parameter arguments: extra `redis-server` arguments, e.g. `["--appendonly", "yes"]`.
    public init(arguments: [String] = []) async throws {
        self.port = try freeLoopbackPort()
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "deferrable-fault-redis-\(UUID().uuidString.prefix(8))")
        self.extraArguments = arguments
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try await start()
    }

    /// `redis://127.0.0.1:PORT` (add credentials yourself).
    public var url: String { "redis://127.0.0.1:\(port)" }

    /// The pid of the running server, if any.
    public var pid: Int32? { lock.withLock { process.map(\.processIdentifier) } }

    public static var isAvailable: Bool { executablePath("redis-server") != nil }

    /// Starts the server (again) on the same port and directory and waits until it answers.
    public func start() async throws {
        try await offCooperativePool { try self.startBlocking() }
    }

    /// Stops the server by its pid: SIGTERM (or `signal`), then SIGKILL if it is still running after 10 s.
    public func stop(signal: Int32 = SIGTERM) async {
        await offCooperativePool { self.stopBlocking(signal: signal) }
    }

    /// Stops the server and removes its directory.
    public func stopAndRemove() async {
        await offCooperativePool { self.stopAndRemoveBlocking() }
    }

    /// Stops and starts the server again on the same port and directory.
    public func restart(signal: Int32 = SIGTERM) async throws {
        try await offCooperativePool {
            self.stopBlocking(signal: signal)
            try self.startBlocking()
        }
    }

    /// Sends SIGTERM now and leaves the wait for the exit (SIGKILL after 10 s) and the removal of the directory to
    /// a thread of its own: the cleanup for a `defer`, which cannot await ``stopAndRemove()``.
    public func discard() {
        if let process = lock.withLock({ self.process }), process.isRunning { kill(process.processIdentifier, SIGTERM) }
        inBackground { self.stopAndRemoveBlocking() }
    }

    private func startBlocking() throws {
        guard let executable = Self.executablePath("redis-server") else { throw FaultTestError("redis-server is not on PATH") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        // Defaults first so that `extraArguments` can override them.
        process.arguments =
            [
                "--port", "\(port)", "--bind", "127.0.0.1", "--dir", directory.path, "--save", "", "--appendonly", "no",
                "--daemonize", "no", "--logfile", directory.appendingPathComponent("redis.log").path,
            ] + extraArguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try runWithUnblockedSignals(process)
        lock.withLock { self.process = process }
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if !process.isRunning { throw FaultTestError("redis-server exited at start (status \(process.terminationStatus))") }
            if rawPing(port: port) { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
        stopBlocking(signal: SIGTERM)
        throw FaultTestError("redis-server on port \(port) did not answer PING within 10 s")
    }

    private func stopBlocking(signal: Int32) {
        guard
            let process = lock.withLock({ () -> Process? in
                defer { self.process = nil }
                return self.process
            })
        else { return }
        stopProcessBlocking(process, signal: signal)
    }

    private func stopAndRemoveBlocking() {
        stopBlocking(signal: SIGTERM)
        try? FileManager.default.removeItem(at: directory)
    }

    public static func executablePath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// Waits up to `limit` for `process` to end; `true` if it did. Blocks its thread: call it off the cooperative pool.
@discardableResult
public func waitForProcessExit(_ process: Process, within limit: Duration) -> Bool {
    let deadline = ContinuousClock.now + limit
    while process.isRunning {
        if ContinuousClock.now >= deadline { return false }
        Thread.sleep(forTimeInterval: 0.01)
    }
    return true
}

/// Sends `signal` to `process` (one this test started) and waits for it to end; SIGKILL when it still runs after
/// 10 s. Blocks its thread: call it off the cooperative pool.
public func stopProcessBlocking(_ process: Process, signal: Int32 = SIGTERM) {
    guard process.isRunning else { return }
    kill(process.processIdentifier, signal)
    if !waitForProcessExit(process, within: .seconds(10)) {
        kill(process.processIdentifier, SIGKILL)
        _ = waitForProcessExit(process, within: .seconds(5))
    }
}

/// Sends `signal` to `pid` (a process this test started).
public func signalProcess(_ pid: Int32, _ signal: Int32) {
    _ = kill(pid, signal)
}

/// Starts `process` from a fresh thread whose signal mask is empty, and waits for that thread.
///
/// A child inherits the signal mask of the thread that spawns it, and the threads of Swift concurrency and
/// Dispatch block most signals: spawned from a test, `redis-server` would ignore SIGTERM until SIGKILLed.
public func runWithUnblockedSignals(_ process: Process) throws {
    let result = Locked<(any Error)?>(nil)
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        var empty = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, nil)
        do {
            try process.run()
        } catch {
            result.withLock { $0 = error }
        }
        done.signal()
    }
    thread.start()
    done.wait()
    if let error = result.value { throw error }
}

/// Closes a file descriptor this test opened.
public func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}

/// A TCP socket bound to 127.0.0.1 on a port the kernel chose; the caller owns (and closes) the descriptor.
public func boundLoopbackSocket() throws -> (fd: Int32, port: Int) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw FaultTestError("socket() failed: errno \(errno)") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard bound == 0, named == 0 else {
        let code = errno
        closeDescriptor(fd)
        throw FaultTestError("bind()/getsockname() failed: errno \(code)")
    }
    return (fd, Int(UInt16(bigEndian: address.sin_port)))
}

/// A loopback port that was free a moment ago: bind port 0, read the port, close.
public func freeLoopbackPort() throws -> Int {
    let (fd, port) = try boundLoopbackSocket()
    closeDescriptor(fd)
    return port
}

/// Sends `PING` on a fresh loopback connection (1 s timeouts); `true` for `+PONG` or an auth error.
public func rawPing(port: Int) -> Bool {
    guard let fd = loopbackConnection(port: port) else { return false }
    defer { close(fd) }
    let ping = Array("*1\r\n$4\r\nPING\r\n".utf8)
    guard ping.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == ping.count else { return false }
    var buffer = [UInt8](repeating: 0, count: 128)
    let received = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
    guard received > 0 else { return false }
    let reply = String(decoding: buffer[..<received], as: UTF8.self)
    return reply.hasPrefix("+PONG") || reply.hasPrefix("-NOAUTH")
}

public struct FaultTestError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
