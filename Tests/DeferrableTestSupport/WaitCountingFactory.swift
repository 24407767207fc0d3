@_spi(Testing) import Deferrable
import DeferrableRedis
import Dispatch

/// A backend factory on which a test can count the consumers waiting in `pop`, so that it acts once a consumer
/// really waits instead of sleeping and hoping it does.
///
/// In memory the count is exact per group. On Redis the factory runs on a server of its own
/// (``RedisServerProcess``) and counts that server's blocked clients, which are all this test's consumers.
/// Call ``close()`` when done (in a `defer`).
public struct WaitCountingFactory: Sendable {
    /// The factory to build instances on.
    public let factory: any BackendFactory
    private let count: @Sendable (String) async throws -> Int
    private let cleanup: @Sendable () async -> Void

    /// A factory whose waiting consumers `count` reports, with `cleanup` run by ``close()``.
    public init(
        factory: any BackendFactory, count: @escaping @Sendable (String) async throws -> Int,
        cleanup: @escaping @Sendable () async -> Void
    ) {
        self.factory = factory
        self.count = count
        self.cleanup = cleanup
    }

    /// An in-memory factory.
    public static func memory() -> WaitCountingFactory {
        let factory = MemoryBackendFactory()
        return WaitCountingFactory(factory: factory, count: { factory.waitingConsumers(group: $0) }, cleanup: {})
    }

    /// A Redis factory on a fresh `redis-server` of its own.
    public static func redis(settings: RedisBackendSettings = RedisBackendSettings()) async throws -> WaitCountingFactory {
        let server = try await RedisServerProcess()
        let factory: RedisBackendFactory
        do {
            factory = try RedisBackendFactory(url: server.url, settings: settings)
        } catch {
            await server.stopAndRemove()
            throw error
        }
        return WaitCountingFactory(
            factory: factory, count: { _ in try await factory.client.blockedClients() },
            cleanup: {
                await factory.close()
                await server.stopAndRemove()
            })
    }

    /// The consumers of `group` waiting in `pop` now (on Redis: every blocked client of the server).
    public func waitingConsumers(group: String) async throws -> Int {
        try await count(group)
    }

    /// Polls until at least `consumers` consumers of `group` wait in `pop`; throws ``TimedOut`` after `timeout`.
    public func waitUntilWaiting(_ consumers: Int = 1, group: String, timeout: Duration = .seconds(10)) async throws {
        try await eventually("\(consumers) consumer(s) of \(group) to wait in pop", timeout: timeout) {
            try await count(group) >= consumers
        }
    }

    /// Closes the factory and stops its server, if it has one.
    public func close() async {
        await cleanup()
    }
}
