import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

private let redisURL = ProcessInfo.processInfo.environment["REDIS_URL"]

@Suite("deferrable web", .enabled(if: redisURL != nil))
struct CLIWebTests {
    @Test("binding to an address other than loopback without a token is refused with exit 2")
    func nonLoopbackNeedsToken() async throws {
        let cli = CLIRunner(redisURL: try #require(redisURL), prefix: "cli-web")
        let result = try await cli.run(["web", "--bind", "0.0.0.0", "--port", "0"])
        #expect(result.status == 2)
        #expect(
            result.stderrLines.first
                == "deferrable: refusing to serve the dashboard on 0.0.0.0 without an access token: pass --token, or bind to 127.0.0.1"
        )
        let short = try await cli.run(["web", "--token", "short"])
        #expect(short.status == 2)
        #expect(short.stderrLines.first == "deferrable: invalid dashboard token: it must be 16 to 256 characters long")
        let port = try await cli.run(["web", "--port", "70000"])
        #expect(port.status == 2)
    }

    @Test("web serves the dashboard on the port it prints, read-only by default, and stops on SIGTERM")
    func serves() async throws {
        let url = try #require(redisURL)
        let prefix = "cli-web-\(UUID().uuidString.prefix(8))"
        let factory = try RedisBackendFactory(url: url, settings: RedisBackendSettings(keyPrefix: prefix))
        let deferrable = try Deferrable(factory: factory, group: "mail")
        let send = try deferrable.register("send") { (_: Int, _) in }
        try await send.later(1)
        try await eventually("the group to be registered", timeout: .seconds(10)) {
            try await factory.knownGroups().contains("mail")
        }
        await factory.close()

        let executable = try #require(CLIRunner.executable)
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("cli-web-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let process = Process()
        process.executableURL = executable
        process.arguments = ["web", "--redis", url, "--prefix", prefix, "--port", "0"]
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        var line = ""
        try await eventually("web prints its address", timeout: .seconds(30)) {
            line = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            return line.contains("\n") || !process.isRunning
        }
        let address = try #require(line.firstMatch(of: /http:\/\/127\.0\.0\.1:[0-9]+\//).map { String($0.output) })
        #expect(line.hasPrefix("dashboard on \(address) (read-only; Redis \(url), prefix \(prefix))"))

        let (body, response) = try await URLSession.shared.data(from: try #require(URL(string: address)))
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let page = String(decoding: body, as: UTF8.self)
        #expect(page.contains("<tr data-group=\"mail\">"))
        #expect(!page.contains("<form"), "read-only: no action forms")

        process.terminate()
        try await eventually("web stops on SIGTERM", timeout: .seconds(10)) { !process.isRunning }
        #expect(process.terminationStatus == 0)
    }
}
