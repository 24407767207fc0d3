import Foundation

/// A program outside this package (`pgbench`, `psql`), found and run to its end without blocking a thread.
struct ExternalTool: Sendable {
    /// The executable.
    let path: String

    /// The tool `name` from PostgreSQL's bin directory: `$POSTGRES_BIN_DIR`, else the newest
    /// `/usr/lib/postgresql/<version>/bin` (Debian), else `PATH`.
    static func postgres(_ name: String) -> ExternalTool? {
        var directories: [String] = []
        if let configured = ProcessInfo.processInfo.environment["POSTGRES_BIN_DIR"], !configured.isEmpty {
            directories.append(configured)
        }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        directories += versions.sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "/usr/lib/postgresql/\($0)/bin" }
        directories += (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
            .map(ExternalTool.init(path:))
    }

    /// What a finished run printed.
    struct Output: Sendable {
        /// The exit status.
        let status: Int32
        /// Standard output and standard error, interleaved.
        let text: String
    }

    /// Runs the tool with `arguments` and waits until it ends; its output goes through a temporary file.
    func run(_ arguments: [String]) async throws -> Output {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("deferrable-bench-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        let spawned = Spawned(process: process)
        let status = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            // A child inherits the signal mask of the thread that spawns it, and Swift concurrency's threads block
            // most signals: pgbench -T would never see the SIGALRM that ends it. So the spawn happens on a thread
            // of its own with an empty mask (and the caller's thread is not held while it starts).
            Thread {
                var empty = sigset_t()
                sigemptyset(&empty)
                pthread_sigmask(SIG_SETMASK, &empty, nil)
                do {
                    try spawned.process.run()
                } catch {
                    spawned.process.terminationHandler = nil
                    continuation.resume(throwing: error)
                }
            }.start()
        }
        return Output(status: status, text: String(decoding: try Data(contentsOf: log), as: UTF8.self))
    }
}

/// Hands a `Process` to the thread that spawns it; nothing else touches it until its termination handler runs.
private struct Spawned: @unchecked Sendable {
    let process: Process
}
