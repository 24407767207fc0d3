import DeferrableTestSupport
import Foundation

/// Runs the built `deferrable` executable.
struct CLIRunner: Sendable {
    struct Result: Sendable {
        let status: Int32
        let stdout: String
        let stderr: String

        var stderrLines: [Substring] { stderr.split(separator: "\n") }
    }

    let redisURL: String
    let prefix: String

    /// The `deferrable` executable next to the test binary (same build products directory), or from
    /// `DEFERRABLE_CLI`.
    static var executable: URL? {
        if let path = ProcessInfo.processInfo.environment["DEFERRABLE_CLI"] {
            return URL(fileURLWithPath: path)
        }
        return builtExecutable(named: "deferrable")
    }

    /// The executable `name` of this package in the build products directory of the test binary.
    static func builtExecutable(named name: String) -> URL? {
        var candidates: [URL] = []
        if let main = Bundle.main.executableURL {
            candidates.append(main.deletingLastPathComponent().appendingPathComponent(name))
        }
        candidates.append(
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name))
        // Inside an .xctest bundle (macOS) the products directory is further up.
        candidates += candidates.map {
            $0.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(name)
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Runs `deferrable <arguments>` with `DEFERRABLE_REDIS_URL` set and `--prefix` appended; the wait for it
    /// happens off the cooperative pool.
    func run(_ arguments: [String], prefixed: Bool = true, url: String? = nil) async throws -> Result {
        try await offCooperativePool { try self.runBlocking(arguments, prefixed: prefixed, url: url) }
    }

    private func runBlocking(_ arguments: [String], prefixed: Bool, url: String?) throws -> Result {
        guard let executable = Self.executable else { throw CLINotBuilt() }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments + (prefixed ? ["--prefix", prefix] : [])
        var environment = ProcessInfo.processInfo.environment
        environment["DEFERRABLE_REDIS_URL"] = url ?? redisURL
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Runs `deferrable <arguments>` (no `--prefix`, no Redis URL) without blocking the caller's thread, so that
    /// several can run at once; its output goes through temporary files, read when it has ended.
    /// - Throws: ``CLINotBuilt``, or ``TimedOut`` when it has not ended within `limit` (it is then SIGKILLed).
    /// - Parameter environment: variables to set (a `nil` value removes one) for this run.
    static func runConcurrently(
        _ arguments: [String], environment: [String: String?] = [:], within limit: Duration = .seconds(60)
    ) async throws -> Result {
        guard let executable = Self.executable else { throw CLINotBuilt() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("deferrable-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("stdout")
        let errURL = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var variables = ProcessInfo.processInfo.environment
        for (name, value) in environment {
            variables[name] = value
        }
        process.environment = variables
        process.standardOutput = out
        process.standardError = err
        let status = try await runToExit(process, within: limit)
        return Result(
            status: status, stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}

struct CLINotBuilt: Error, CustomStringConvertible {
    var description: String { "the deferrable executable was not found next to the tests; build with --build-tests" }
}
