import NIOCore
import Synchronization

/// One of a ``RedisClient``'s shared, pipelined connections.
///
/// Connected lazily on first use; if the connection is found closed, the next use reconnects transparently.
/// Concurrent callers share a single connection attempt. It always lives on the same event loop, so that a caller
/// running on that loop (NIO as the global executor) reaches it without a thread hop.
final class RedisSharedConnection: Sendable {
    private enum State {
        case disconnected
        case connecting(Task<RedisConnection, any Error>)
        case connected(RedisConnection)
        case closed
    }

    private enum Action {
        case use(RedisConnection)
        case wait(Task<RedisConnection, any Error>)
        case fail(RedisError)
    }

    private let state = Mutex(State.disconnected)
    private let inFlight = Atomic<Int>(0)
    private let connector: RedisConnector
    /// The event loop every connection of this slot lives on.
    let eventLoop: any EventLoop
    /// Called with the first connection ever established by the client (runs the durability check).
    private let onFirstConnect: @Sendable (RedisConnection) -> Void

    init(connector: RedisConnector, eventLoop: any EventLoop, onFirstConnect: @escaping @Sendable (RedisConnection) -> Void) {
        self.connector = connector
        self.eventLoop = eventLoop
        self.onFirstConnect = onFirstConnect
    }

    /// How many calls are using this slot now (see ``using(_:)``).
    var load: Int { inFlight.load(ordering: .relaxed) }

    /// Runs `body`, counted in ``load`` while it runs.
    func using<T>(_ body: () async throws -> T) async throws -> T {
        inFlight.add(1, ordering: .relaxed)
        defer { inFlight.subtract(1, ordering: .relaxed) }
        return try await body()
    }

    /// A live connection, connecting (or reconnecting) if needed.
    ///
    /// - Throws: ``RedisError/cannotConnect(endpoint:reason:)`` or ``RedisError/clientClosed``.
    func connection() async throws(RedisError) -> RedisConnection {
        var lost = false
        let action: Action = state.withLock { state in
            switch state {
            case .connected(let connection) where connection.isActive:
                return .use(connection)
            case .connected:
                lost = true
                let task = startConnecting()
                state = .connecting(task)
                return .wait(task)
            case .disconnected:
                let task = startConnecting()
                state = .connecting(task)
                return .wait(task)
            case .connecting(let task):
                return .wait(task)
            case .closed:
                return .fail(.clientClosed)
            }
        }
        if lost {
            connector.reportConnectionLost()
        }
        switch action {
        case .use(let connection):
            return connection
        case .wait(let task):
            do {
                return try await task.value
            } catch {
                throw RedisConnection.redisError(error)
            }
        case .fail(let error):
            throw error
        }
    }

    private func startConnecting() -> Task<RedisConnection, any Error> {
        Task {
            do {
                let connection = try await connector.connect(on: eventLoop)
                let accepted = state.withLock { state in
                    if case .closed = state {
                        return false
                    }
                    state = .connected(connection)
                    return true
                }
                guard accepted else {
                    connection.close()
                    throw RedisError.clientClosed
                }
                if connector.claimDurabilityCheck() {
                    onFirstConnect(connection)
                }
                return connection
            } catch {
                state.withLock { state in
                    if case .closed = state {
                        return
                    }
                    state = .disconnected
                }
                throw error
            }
        }
    }

    /// Closes the connection; later calls throw ``RedisError/clientClosed``.
    func close() async {
        let previous = state.withLock { state in
            defer { state = .closed }
            return state
        }
        if case .connected(let connection) = previous {
            await connection.closeAndWait()
        }
    }

    /// Closes without waiting (used from `deinit`).
    func closeNow() {
        let previous = state.withLock { state in
            defer { state = .closed }
            return state
        }
        if case .connected(let connection) = previous {
            connection.close()
        }
    }
}
