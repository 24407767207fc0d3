import NIOCore
import Synchronization

/// Dedicated connections for blocking commands (`BLPOP`, `BLMOVE`, `XREAD BLOCK`, ...).
///
/// Each blocking command gets a connection to itself, so a consumer waiting on an empty list never delays the
/// pipelined traffic of the shared connections. At most `maxBlockingConnections` are open; further callers wait
/// (in FIFO order) for one to be released. Idle connections are kept for reuse.
final class RedisBlockingConnectionPool: Sendable {
    /// What a waiter is handed: a connection to reuse, or the right to open a new one.
    private enum Grant {
        case connection(RedisConnection)
        case permit
    }

    private struct State {
        var idle: [RedisConnection] = []
        /// Connections handed out (or being opened).
        var leased = 0
        var waiters = CircularBuffer<CheckedContinuation<Grant, any Error>>()
        /// Every open connection, idle or leased, so that ``close()`` can close them all.
        var open: [ObjectIdentifier: RedisConnection] = [:]
        var closed = false
    }

    private let state = Mutex(State())
    private let connector: RedisConnector
    private let limit: Int

    init(connector: RedisConnector, limit: Int) {
        self.connector = connector
        self.limit = max(1, limit)
    }

    /// A connection for exclusive use; give it back with ``release(_:reusable:)``.
    func lease() async throws(RedisError) -> RedisConnection {
        enum Decision {
            case grant(Grant)
            case wait
            case fail(RedisError)
        }
        let decision: Decision = state.withLock { state in
            if state.closed {
                return .fail(.clientClosed)
            }
            while let connection = state.idle.popLast() {
                if connection.isActive {
                    state.leased += 1
                    return .grant(.connection(connection))
                }
                state.open[ObjectIdentifier(connection)] = nil
            }
            if state.leased < limit {
                state.leased += 1
                return .grant(.permit)
            }
            return .wait
        }
        let grant: Grant
        switch decision {
        case .grant(let granted):
            grant = granted
        case .fail(let error):
            throw error
        case .wait:
            do {
                grant = try await withCheckedThrowingContinuation { continuation in
                    let closed = state.withLock { state in
                        if state.closed {
                            return true
                        }
                        state.waiters.append(continuation)
                        return false
                    }
                    if closed {
                        continuation.resume(throwing: RedisError.clientClosed)
                    }
                }
            } catch {
                throw RedisConnection.redisError(error)
            }
        }
        switch grant {
        case .connection(let connection):
            return connection
        case .permit:
            do throws(RedisError) {
                let connection = try await connector.connect()
                let accepted = state.withLock { state in
                    if state.closed {
                        return false
                    }
                    state.open[ObjectIdentifier(connection)] = connection
                    return true
                }
                guard accepted else {
                    connection.close()
                    throw RedisError.clientClosed
                }
                return connection
            } catch {
                handBack(nil)
                throw error
            }
        }
    }

    /// Returns a leased connection. Pass `reusable: false` if it failed; it is then closed.
    func release(_ connection: RedisConnection, reusable: Bool) {
        let keep = reusable && connection.isActive
        if !keep {
            connection.close()
            state.withLock { _ = $0.open.removeValue(forKey: ObjectIdentifier(connection)) }
        }
        handBack(keep ? connection : nil)
    }

    /// Hands a connection (or, with `nil`, the right to open one) to the next waiter, or back to the pool.
    private func handBack(_ connection: RedisConnection?) {
        let waiter: CheckedContinuation<Grant, any Error>? = state.withLock { state in
            if state.closed {
                state.leased -= 1
                return nil
            }
            if let waiter = state.waiters.popFirst() {
                return waiter
            }
            state.leased -= 1
            if let connection {
                state.idle.append(connection)
            }
            return nil
        }
        if let waiter {
            waiter.resume(returning: connection.map(Grant.connection) ?? .permit)
        } else if let connection, state.withLock({ $0.closed }) {
            connection.close()
        }
    }

    /// Closes every connection (unblocking blocked commands, which fail with ``RedisError/connectionLost(reason:)``)
    /// and fails waiters with ``RedisError/clientClosed``.
    func close() async {
        let (connections, waiters) = state.withLock { state in
            state.closed = true
            let connections = Array(state.open.values)
            let waiters = Array(state.waiters)
            state.open = [:]
            state.idle = []
            state.waiters.removeAll()
            return (connections, waiters)
        }
        for waiter in waiters {
            waiter.resume(throwing: RedisError.clientClosed)
        }
        for connection in connections {
            await connection.closeAndWait()
        }
    }

    /// Closes every connection without waiting (used from `deinit`).
    func closeNow() {
        let connections = state.withLock { state in
            state.closed = true
            defer { state.open = [:] }
            return Array(state.open.values)
        }
        for connection in connections {
            connection.close()
        }
    }
}
