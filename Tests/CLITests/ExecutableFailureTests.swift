import DeferrableTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The demo, the benchmark and the worker example, run as processes the way a new user would: a bad URL or an
/// unreachable server ends in one line on stderr and a non-zero exit, never a crash or a hang.
@Suite("Executables fail cleanly", .serialized)
struct ExecutableFailureTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let executable: String
        let arguments: [String]
        var testDescription: String { "\(executable) \(arguments.joined(separator: " "))" }
    }

    static let unreachable: String = {
        let port = (try? freeLoopbackPort()) ?? 1
        return "redis://127.0.0.1:\(port)"
    }()

    static let cases: [Case] = ["deferrable-demo", "deferrable-bench", "worker-example"].flatMap { name in
        [
            Case(executable: name, arguments: ["--redis", unreachable]),
            Case(executable: name, arguments: ["--redis", "notaurl://x"]),
        ]
    }

    @Test("one line on stderr and a non-zero exit", arguments: cases)
    func failsCleanly(_ testCase: Case) async throws {
        let executable = try #require(
            CLIRunner.builtExecutable(named: testCase.executable), "\(testCase.executable) is not built; build with --build-tests")
        let process = Process()
        process.executableURL = executable
        process.arguments = testCase.arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let exited = try await exits(process, within: .seconds(20))
        if !exited {
            signalProcess(process.processIdentifier, SIGKILL)
            _ = try await exits(process, within: .seconds(5))
        }
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        _ = out.fileHandleForReading.readDataToEndOfFile()
        #expect(exited, "still running after 20 s; stderr: \(stderr)")
        #expect(process.terminationReason == .exit, "ended by a signal; stderr: \(stderr)")
        #expect(process.terminationStatus != 0)
        let lines = stderr.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(lines.count == 1, "stderr: \(stderr)")
        #expect(!stderr.contains("Fatal error"), "stderr: \(stderr)")
    }

    /// Polls until `process` ends (without blocking a thread); `true` if it did within `limit`.
    private func exits(_ process: Process, within limit: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while process.isRunning {
            if ContinuousClock.now >= deadline { return false }
            try await Task.sleep(for: .milliseconds(10))
        }
        return true
    }
}
