import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A private PostgreSQL cluster on a free loopback port, in a temporary directory of its own.
///
/// `initdb` creates the cluster (as the `postgres` user through `runuser` when the tests run as root, since
/// PostgreSQL refuses to run as root); the postmaster runs as a child of this process (through `setpriv`, which
/// changes the user and executes it in place, when root), so its pid is the child's and every signal reaches it
/// as sent. It listens on loopback with its unix socket in that directory, trust authentication and `fsync=off`
/// (the cluster is thrown away; every write still reaches the kernel, so a killed or restarted server keeps what
/// it committed). The server is stopped by its pid only, and can be started again on the same port and data
/// directory. Every wait is bounded. Always call ``stopAndRemove()`` when done, or use ``withServer(database:settings:_:)``.
///
/// The programs come from `POSTGRES_BIN_DIR` (exported by `scripts/test.sh`), else from Debian's
/// `/usr/lib/postgresql/<version>/bin`, else from `PATH`.
public final class PostgresServerProcess: Sendable {
    /// How a running server is asked to end (PostgreSQL's three shutdown modes).
    public enum ShutdownMode: Sendable {
        /// SIGTERM: waits for the sessions to end by themselves.
        case smart
        /// SIGINT: ends every session, writes a checkpoint, then exits.
        case fast
        /// SIGQUIT: exits at once without a checkpoint; the next start replays the write-ahead log.
        case immediate

        var signal: Int32 {
            switch self {
            case .smart: SIGTERM
            case .fast: SIGINT
            case .immediate: SIGQUIT
            }
        }
    }

    /// The loopback port, the same after every restart.
    public let port: Int
    /// The temporary directory: the cluster's data in `data/`, the unix socket, and the logs.
    public let directory: URL
    /// The database ``url`` names (created at start).
    public let database: String
    /// Extra server settings (`name=value`), passed as `-c name=value`.
    public let settings: [String]
    private let binDirectory: String
    private let postmaster = Locked<Postmaster?>(nil)

    /// The running server: the child process, and the end of its exit status.
    private struct Postmaster: @unchecked Sendable {
        let process: Process
        let exit: AsyncStream<Int32>
    }

    /// Creates the cluster, starts it, and creates `database`; at most 60 s for `initdb` and 30 s for the start.
    /// PostgreSQL's `postmaster` runs as a child of this process.
    /// - Parameters:
    ///   - database: the database to create and name in ``url``.
    ///   - settings: extra server settings, e.g. `["max_connections=200"]`.
    /// - Throws: ``FaultTestError`` when PostgreSQL is not installed or a step fails or does not finish in time.
    public init(database: String = "deferrable_test", settings: [String] = []) async throws {
        guard let binDirectory = Self.binDirectory else {
            throw FaultTestError("PostgreSQL is not installed (no initdb/postgres in POSTGRES_BIN_DIR, /usr/lib/postgresql/*/bin or PATH)")
        }
        self.binDirectory = binDirectory
        self.port = try freeLoopbackPort()
        self.database = database
        self.settings = settings
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "deferrable-fault-postgres-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        do {
            try Self.handToClusterOwner(directory.path)
            try await runTool(
                asOwner: true, "initdb",
                ["-D", dataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
                within: .seconds(60))
            let rules = "local all all trust\nhost all all 127.0.0.1/32 trust\n"
            try rules.write(toFile: dataDirectory + "/pg_hba.conf", atomically: false, encoding: .utf8)
            try Self.handToClusterOwner(dataDirectory + "/pg_hba.conf")
            try await start()
            try await runTool(
                asOwner: false, "createdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", database],
                within: .seconds(30))
        } catch {
            await stopAndRemove()
            throw error
        }
    }

    /// Starts a cluster, runs `body` with it, then stops it and removes its directory, also when `body` throws.
    /// - Parameters:
    ///   - database: the database to create and name in ``url``.
    ///   - settings: extra server settings, e.g. `["max_connections=200"]`.
    ///   - body: what to do while the server exists.
    /// - Returns: what `body` returned.
    /// - Throws: what ``init(database:settings:)`` or `body` threw.
    public static func withServer<T: Sendable>(
        database: String = "deferrable_test",
        settings: [String] = [],
        _ body: (PostgresServerProcess) async throws -> T
    ) async throws -> T {
        let server = try await PostgresServerProcess(database: database, settings: settings)
        do {
            let result = try await body(server)
            await server.stopAndRemove()
            return result
        } catch {
            await server.stopAndRemove()
            throw error
        }
    }

    /// `postgres://postgres@127.0.0.1:PORT/DATABASE` (trust authentication: no password).
    public var url: String { "postgres://postgres@127.0.0.1:\(port)/\(database)" }

    /// The pid of the running postmaster, if any.
    public var pid: Int32? { postmaster.value?.process.processIdentifier }

    /// `true` when `initdb`, `postgres`, `pg_isready` and `createdb` were found.
    public static var isAvailable: Bool { binDirectory != nil }

    /// The directory holding `initdb`, `pg_isready`, `createdb` and `postgres`.
    public static var binDirectory: String? {
        var candidates: [String] = []
        if let configured = ProcessInfo.processInfo.environment["POSTGRES_BIN_DIR"], !configured.isEmpty {
            candidates.append(configured)
        }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            candidates.append("/usr/lib/postgresql/\(version)/bin")
        }
        if let initdb = RedisServerProcess.executablePath("initdb") {
            candidates.append(URL(fileURLWithPath: initdb).deletingLastPathComponent().path)
        }
        return candidates.first { directory in
            ["initdb", "pg_isready", "createdb", "postgres"].allSatisfy {
                FileManager.default.isExecutableFile(atPath: "\(directory)/\($0)")
            }
        }
    }

    private var dataDirectory: String { directory.appendingPathComponent("data").path }

    /// Starts the server (again) on the same port and data directory and waits until it accepts connections.
    ///
    /// After a ``kill()`` the previous server's sessions may still hold its shared memory for a moment, so a
    /// server that exits at start is started again until 30 s have passed.
    /// - Throws: ``FaultTestError`` when the server did not accept connections within 30 s.
    public func start() async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let server = try await launchPostmaster()
            postmaster.withLock { $0 = server }
            // Ready is this postmaster reporting itself ready in its lock file (so a server another test started on
            // the port meanwhile does not count) and accepting connections.
            let ready = await eventually(within: deadline - ContinuousClock.now) {
                guard server.process.isRunning else { return true }
                return reportsReady(pid: server.process.processIdentifier) ? await isReady() : false
            }
            if ready, server.process.isRunning { return }
            await stop(.immediate)
            guard ContinuousClock.now < deadline else {
                let log = (try? String(contentsOf: directory.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
                throw FaultTestError("PostgreSQL on port \(port) did not start within 30 s; server log: \(log.suffix(1_500))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    private func launchPostmaster() async throws -> Postmaster {
        let arguments =
            ["-D", dataDirectory, "-p", "\(port)", "-k", directory.path, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"]
            + settings.flatMap { ["-c", $0] }
        let process = Process()
        if geteuid() == 0 {
            process.executableURL = URL(fileURLWithPath: RedisServerProcess.executablePath("setpriv") ?? "/usr/bin/setpriv")
            process.arguments =
                ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", "\(binDirectory)/postgres"] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "\(binDirectory)/postgres")
            process.arguments = arguments
        }
        let log = try appendingHandle("server.log")
        defer { try? log.close() }
        process.standardOutput = log
        process.standardError = log
        let (exit, exited) = AsyncStream<Int32>.makeStream(bufferingPolicy: .bufferingNewest(1))
        process.terminationHandler = { ended in
            exited.yield(ended.terminationStatus)
            exited.finish()
        }
        try await launchWithUnblockedSignals(process)
        return Postmaster(process: process, exit: exit)
    }

    /// Stops the server by its pid with `mode`'s signal, then SIGKILL if it is still running after 30 s.
    public func stop(_ mode: ShutdownMode = .fast) async {
        await end(with: mode.signal, within: .seconds(30))
    }

    /// SIGKILLs the postmaster (its sessions notice and end by themselves) and waits until it is gone.
    public func kill() async {
        await end(with: SIGKILL, within: .seconds(10))
    }

    /// Stops the server with `mode` and starts it again on the same port and data directory.
    /// - Throws: ``FaultTestError`` when the server did not start again within 30 s.
    public func restart(_ mode: ShutdownMode = .fast) async throws {
        await stop(mode)
        try await start()
    }

    /// Stops the server (fast shutdown) and removes its directory.
    public func stopAndRemove() async {
        await stop(.fast)
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `pg_isready`: `true` when the server accepts connections (10 s at most for the connection, so that a
    /// loaded machine does not read as a server that is down).
    public func isReady() async -> Bool {
        (try? await runTool(asOwner: false, "pg_isready", ["-q", "-h", "127.0.0.1", "-p", "\(port)", "-t", "10"], within: .seconds(15)))
            != nil
    }

    /// `true` when the data directory's `postmaster.pid` names `pid` and says `ready` (its first and last lines).
    private func reportsReady(pid: Int32) -> Bool {
        guard let lock = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8) else { return false }
        let lines = lock.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        return lines.first == "\(pid)" && lines.last == "ready"
    }

    private func end(with signal: Int32, within limit: Duration) async {
        guard
            let server = postmaster.withLock({ stored -> Postmaster? in
                defer { stored = nil }
                return stored
            })
        else { return }
        let pid = server.process.processIdentifier
        signalProcess(pid, signal)
        if await waitForExit(server, within: limit) { return }
        signalProcess(pid, SIGKILL)
        _ = await waitForExit(server, within: .seconds(5))
    }

    /// Waits until the postmaster and every session it started have ended (they share the descriptor that tells
    /// this process its child has ended); `true` if that happened within `limit`.
    private func waitForExit(_ server: Postmaster, within limit: Duration) async -> Bool {
        let exit = server.exit
        return
            (try? await within(limit, "PostgreSQL to exit") {
                for await _ in exit { return true }
                return true
            }) ?? false
    }

    /// Runs one of the PostgreSQL programs to its end, its output appended to `tools.log` in the directory.
    /// - Parameter asOwner: run it as the cluster's owner (the `postgres` user when this process is root).
    /// - Throws: ``FaultTestError`` when it exits non-zero (with the end of the log) or does not end within
    ///   `limit` (it is then SIGKILLed).
    private func runTool(asOwner: Bool, _ tool: String, _ arguments: [String], within limit: Duration) async throws {
        let executable = "\(binDirectory)/\(tool)"
        let process = Process()
        if asOwner && geteuid() == 0 {
            process.executableURL = URL(fileURLWithPath: RedisServerProcess.executablePath("runuser") ?? "/usr/sbin/runuser")
            process.arguments = ["-u", "postgres", "--", executable] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        }
        let log = try appendingHandle("tools.log")
        defer { try? log.close() }
        process.standardOutput = log
        process.standardError = log
        let status: Int32
        do {
            status = try await runToExit(process, within: limit)
        } catch is TimedOut {
            throw FaultTestError("\(tool) did not end within \(limit)")
        }
        guard status == 0 else {
            let output = (try? String(contentsOf: directory.appendingPathComponent("tools.log"), encoding: .utf8)) ?? ""
            throw FaultTestError("\(tool) exited with status \(status): \(output.suffix(1_000))")
        }
    }

    /// A handle that appends to the file `name` in the directory (created when missing).
    private func appendingHandle(_ name: String) throws -> FileHandle {
        let path = directory.appendingPathComponent(name).path
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        return handle
    }

    /// Gives `path` to the `postgres` user when this process is root (initdb and the server run as that user).
    private static func handToClusterOwner(_ path: String) throws {
        guard geteuid() == 0 else { return }
        guard let owner = getpwnam("postgres") else {
            throw FaultTestError("running as root, but there is no `postgres` user to run PostgreSQL as")
        }
        guard chown(path, owner.pointee.pw_uid, owner.pointee.pw_gid) == 0 else {
            throw FaultTestError("chown \(path) to postgres failed: errno \(errno)")
        }
    }
}
