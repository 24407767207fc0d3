import NIOCore
import Synchronization

/// Dedicated connections for blocking commands (`BLPOP`, `BLMOVE`, `XREAD BLOCK`, ...).
///
/// Each blocking command gets a connection to itself, so a consumer waiting on an empty list never delays the
/// pipelined traffic of the shared connections. At most `maxBlockingConnections` are open; further callers wait
/// (in FIFO order) for one to be released. Idle connections are kept for reuse.
///
/// Whether a caller waits and its place among the waiters are decided under one lock, so a connection released at
/// any moment goes to a waiter or back to the pool, never past a caller about to wait. A waiting caller whose task is
/// cancelled stops waiting with `CancellationError`.
final class RedisBlockingConnectionPool: Sendable {
    /// What a waiter is handed: a connection to reuse, or the right to open a new one.
    private enum Grant {
        case connection(RedisConnection)
        case permit
    }

    /// What a caller of ``lease()`` gets at once.
    private enum Decision {
        case grant(Grant)
        case wait
        case fail(any Error)
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Grant, any Error>
    }

    private struct State {
        var idle: [RedisConnection] = []
        /// Connections handed out (or being opened).
        var leased = 0
        var waiters = CircularBuffer<Waiter>()
        var nextWaiterID: UInt64 = 0
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

    /// Callers waiting for a connection.
    var waiterCount: Int {
        state.withLock { $0.waiters.count }
    }

    /// Whether a caller waits while a connection sits idle (a state the pool never enters).
    var hasWaiterBesideIdleConnection: Bool {
        state.withLock { !$0.waiters.isEmpty && !$0.idle.isEmpty }
    }

    /// A connection for exclusive use; give it back with ``release(_:reusable:)``.
    ///
    /// - Throws: ``RedisError``, or `CancellationError` when the task is cancelled while it waits for a connection.
    func lease() async throws -> RedisConnection {
        let grant: Grant
        switch state.withLock({ Self.decide(&$0, limit: limit) }) {
        case .grant(let granted):
            grant = granted
        case .fail(let error):
            throw error
        case .wait:
            grant = try await waitForGrant()
        }
        switch grant {
        case .connection(let connection):
            return connection
        case .permit:
            return try await open()
        }
    }

    /// Takes an idle connection or the right to open one, or says to wait (or why not). Runs under the lock.
    private static func decide(_ state: inout State, limit: Int) -> Decision {
        if state.closed {
            return .fail(RedisError.clientClosed)
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

    /// Decides again and, if the caller must wait, joins the waiters, under the same lock; a release is then sure to
    /// find this waiter. Cancelling the task takes the waiter out and fails it with `CancellationError`.
    private func waitForGrant() async throws -> Grant {
        let id = state.withLock { state in
            defer { state.nextWaiterID &+= 1 }
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Grant, any Error>) in
                let decision: Decision = state.withLock { state in
                    if Task.isCancelled {
                        return .fail(CancellationError())
                    }
                    let decision = Self.decide(&state, limit: limit)
                    if case .wait = decision {
                        state.waiters.append(Waiter(id: id, continuation: continuation))
                    }
                    return decision
                }
                switch decision {
                case .grant(let grant):
                    continuation.resume(returning: grant)
                case .fail(let error):
                    continuation.resume(throwing: error)
                case .wait:
                    break
                }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { state in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else {
                    return nil
                }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Opens a connection under a permit; if that fails, the permit goes to the next waiter.
    private func open() async throws(RedisError) -> RedisConnection {
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
        let waiter: Waiter? = state.withLock { state in
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
            waiter.continuation.resume(returning: connection.map(Grant.connection) ?? .permit)
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
            waiter.continuation.resume(throwing: RedisError.clientClosed)
        }
        for connection in connections {
            await connection.closeAndWait()
        }
    }

    /// Closes every connection without waiting (used from `deinit`).
    func closeNow() {
        let (connections, waiters) = state.withLock { state in
            state.closed = true
            defer {
                state.open = [:]
                state.waiters.removeAll()
            }
            return (Array(state.open.values), Array(state.waiters))
        }
        for waiter in waiters {
            waiter.continuation.resume(throwing: RedisError.clientClosed)
        }
        for connection in connections {
            connection.close()
        }
    }
}
