import DeferrableTestSupport
import Foundation
import Testing

/// The throw-away PostgreSQL cluster the PostgreSQL fault tests restart and stop.
@Suite(
    "PostgreSQL server process", .serialized,
    .enabled(if: PostgresServerProcess.isAvailable, "needs PostgreSQL (initdb, postgres) in POSTGRES_BIN_DIR or PATH"),
    .timeLimit(.minutes(3)))
struct PostgresServerProcessTests {
    @Test("Starts and answers, restarts on the same port after a fast shutdown and after SIGKILL, and stops")
    func lifecycle() async throws {
        try await PostgresServerProcess.withServer { server in
            #expect(server.url == "postgres://postgres@127.0.0.1:\(server.port)/deferrable_test")
            #expect(await server.isReady())
            #expect(loopbackAcceptsConnections(port: server.port))
            let first = try #require(server.pid)

            try await server.restart(.fast)
            #expect(!processIsRunning(first))
            let second = try #require(server.pid)
            #expect(second != first)
            #expect(await server.isReady())

            await server.kill()
            #expect(!processIsRunning(second))
            #expect(!loopbackAcceptsConnections(port: server.port))
            try await server.start()
            #expect(await server.isReady())

            let third = try #require(server.pid)
            await server.stop(.fast)
            #expect(server.pid == nil)
            #expect(!processIsRunning(third))
            #expect(!loopbackAcceptsConnections(port: server.port))
            #expect(await !server.isReady())
        }
    }

    @Test("Removes its directory when done, also when the body throws")
    func removesDirectory() async throws {
        let directory = Locked<URL?>(nil)
        await #expect(throws: FaultTestError.self) {
            try await PostgresServerProcess.withServer { server in
                directory.withLock { $0 = server.directory }
                throw FaultTestError("the body failed")
            }
        }
        let removed = try #require(directory.value)
        #expect(!FileManager.default.fileExists(atPath: removed.path))
    }
}
