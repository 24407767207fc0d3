import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The connections of a ``RedisClient`` to one server: a few shared pipelined connections plus a pool of dedicated
/// connections for blocking commands. A single-server client has one; a cluster client has one per primary.
///
/// Shared connections open lazily and reconnect on the next call after a failure (with the connector's backoff);
/// a call whose connection was found closed before anything was written is retried once on a fresh one.
final class RedisNodeClient: Sendable {
    let configuration: RedisConfiguration
    private let connector: RedisConnector
    private let shared: [RedisSharedConnection]
    private let blocking: RedisBlockingConnectionPool

    /// Creates the connections (none is opened until the first call). `configuration.endpoint` is the server's.
    init(configuration: RedisConfiguration, logger: Logger, eventLoopGroup: any EventLoopGroup) {
        self.configuration = configuration
        let connector = RedisConnector(configuration: configuration, group: eventLoopGroup, logger: logger)
        self.connector = connector
        let timeout = configuration.commandTimeout
        let onFirstConnect: @Sendable (RedisConnection) -> Void = { connection in
            Task {
                _ = await RedisDurabilityCheck.run(on: connection, timeout: timeout, logger: logger, warningLevel: .warning)
            }
        }
        // Connection i lives on loop i modulo the group's loop count.
        let loops = Array(eventLoopGroup.makeIterator())
        self.shared = (0..<max(1, configuration.poolSize)).map { index in
            RedisSharedConnection(
                connector: connector, eventLoop: loops.isEmpty ? eventLoopGroup.next() : loops[index % loops.count],
                onFirstConnect: onFirstConnect)
        }
        self.blocking = RedisBlockingConnectionPool(connector: connector, limit: configuration.maxBlockingConnections)
    }

    deinit {
        closeNow()
    }

    /// Sends one command on a shared connection; with `asking`, after `ASKING` in the same write; with
    /// `confirmed` and a ``RedisConfiguration/replicaConfirmation``, as ``pipeline(_:asking:confirmed:)`` does.
    func send(_ command: RedisCommand, asking: Bool = false, confirmed: Bool = false) async throws -> RedisValue {
        if confirmed, let confirmation = configuration.replicaConfirmation {
            return try Self.afterAsking(try await pipelineConfirmed([command], asking: asking, confirmation))
        }
        guard asking else {
            let timeout = configuration.commandTimeout
            return try await onSharedConnection { try await $0.send(command, timeout: timeout) }
        }
        return try Self.afterAsking(try await pipeline([command], asking: true))
    }

    /// Sends `commands` with one write on a shared connection; with `asking`, each after an `ASKING`.
    ///
    /// With `confirmed` and a ``RedisConfiguration/replicaConfirmation``, they go on a dedicated connection followed
    /// by its `WAIT` (`WAITAOF`), and the replies are returned only once enough replicas confirmed them; else
    /// ``RedisError/notReplicated(endpoint:replicas:required:)`` is thrown. Replies that are all cluster redirects
    /// (nothing ran) are returned unchecked, to be redirected.
    func pipeline(_ commands: [RedisCommand], asking: Bool = false, confirmed: Bool = false) async throws -> [Result<
        RedisValue, RedisError
    >] {
        if confirmed, let confirmation = configuration.replicaConfirmation {
            return try await pipelineConfirmed(commands, asking: asking, confirmation)
        }
        let timeout = configuration.commandTimeout
        let sent = asking ? Self.asking(commands) : commands
        let replies = try await onSharedConnection { try await $0.pipeline(sent, timeout: timeout) }
        return asking ? Self.droppingAsking(replies) : replies
    }

    /// Sends `count` commands already written as RESP, with one write on a shared connection; with `asking`, one
    /// `ASKING` first (the commands then run as asked only if there is one).
    /// With `confirmed`, as ``pipeline(_:asking:confirmed:)``.
    func pipeline(
        encoded: ByteBuffer, count: Int, operation: String, asking: Bool = false, confirmed: Bool = false
    ) async throws -> [Result<RedisValue, RedisError>] {
        var request = encoded
        if asking {
            request = Self.askingCommand.encoded
            var commands = encoded
            request.writeBuffer(&commands)
        }
        let total = count + (asking ? 1 : 0)
        guard confirmed, let confirmation = configuration.replicaConfirmation else {
            let sent = request
            let timeout = configuration.commandTimeout
            let replies = try await onSharedConnection {
                try await $0.pipeline(encoded: sent, count: total, operation: operation, timeout: timeout)
            }
            return asking ? Array(replies.dropFirst()) : replies
        }
        var wait = confirmation.command.encoded
        request.writeBuffer(&wait)
        let sent = request
        return try await afterConfirmation(
            by: confirmation, droppingAsking: { asking ? Array($0.dropFirst()) : $0 },
            send: { try await $0.pipeline(encoded: sent, count: total + 1, operation: operation, timeout: $1) })
    }

    /// Sends `commands`, the first of which blocks, with one write on a dedicated connection (see
    /// ``RedisClient/pipelineBlocking(_:blockFor:)``); with `asking`, each after an `ASKING`.
    func pipelineBlocking(_ commands: [RedisCommand], blockFor: Duration, asking: Bool = false) async throws -> [Result<
        RedisValue, RedisError
    >] {
        let timeout = blockFor + configuration.commandTimeout
        let sent = asking ? Self.asking(commands) : commands
        let replies = try await onDedicatedConnection { try await $0.pipeline(sent, timeout: timeout) }
        return asking ? Self.droppingAsking(replies) : replies
    }

    /// Sends a blocking command on a dedicated connection; with `asking`, after `ASKING`.
    func sendBlocking(_ command: RedisCommand, blockFor: Duration, asking: Bool = false) async throws -> RedisValue {
        guard asking else {
            let timeout = blockFor + configuration.commandTimeout
            return try await onDedicatedConnection { try await $0.send(command, timeout: timeout) }
        }
        return try Self.afterAsking(try await pipelineBlocking([command], blockFor: blockFor, asking: true))
    }

    /// Sends `commands` and the confirmation's command with one write on a dedicated connection (`WAIT` blocks the
    /// connection it is sent on, so it must not hold up a shared one) and checks its reply.
    private func pipelineConfirmed(
        _ commands: [RedisCommand], asking: Bool, _ confirmation: RedisReplicaConfirmation
    ) async throws -> [Result<RedisValue, RedisError>] {
        let sent = (asking ? Self.asking(commands) : commands) + [confirmation.command]
        return try await afterConfirmation(
            by: confirmation, droppingAsking: { asking ? Self.droppingAsking($0) : $0 },
            send: { try await $0.pipeline(sent, timeout: $1) })
    }

    /// Runs `send` (a write that ends with the confirmation's command) on a dedicated connection with the command
    /// timeout plus the confirmation's, and returns the other replies (after `droppingAsking`) once the confirmation
    /// holds. Replies that are all cluster redirects are returned unchecked: nothing ran, so nothing needs a
    /// replica, and the redirect must reach the router.
    private func afterConfirmation(
        by confirmation: RedisReplicaConfirmation,
        droppingAsking: ([Result<RedisValue, RedisError>]) -> [Result<RedisValue, RedisError>],
        send: (RedisConnection, Duration) async throws -> [Result<RedisValue, RedisError>]
    ) async throws -> [Result<RedisValue, RedisError>] {
        let timeout = confirmation.timeout + configuration.commandTimeout
        var replies = try await onDedicatedConnection { try await send($0, timeout) }
        guard let confirmationReply = replies.popLast() else {
            throw RedisError.protocolError("no reply to the replica confirmation")
        }
        replies = droppingAsking(replies)
        if RedisClusterRedirect.allRedirected(replies) == nil {
            try confirmation.check(confirmationReply, endpoint: "\(configuration.endpoint)")
        }
        return replies
    }

    /// Opens a connection of its own, outside the pools, with the connector's backoff and connect timeout.
    func openConnection() async throws(RedisError) -> RedisConnection {
        try await connector.connect()
    }

    /// A shared connection, for a check that needs the connection itself.
    func sharedConnection() async throws(RedisError) -> RedisConnection {
        try await nextSlot().connection()
    }

    /// Closes every connection; blocked commands fail.
    func close() async {
        for connection in shared {
            await connection.close()
        }
        await blocking.close()
    }

    /// Closes every connection without waiting.
    func closeNow() {
        for connection in shared {
            connection.closeNow()
        }
        blocking.closeNow()
    }

    // MARK: - ASKING

    private static let askingCommand = RedisCommand("ASKING")

    private static func asking(_ commands: [RedisCommand]) -> [RedisCommand] {
        commands.flatMap { [askingCommand, $0] }
    }

    private static func droppingAsking(_ replies: [Result<RedisValue, RedisError>]) -> [Result<RedisValue, RedisError>] {
        stride(from: 1, to: replies.count, by: 2).map { replies[$0] }
    }

    private static func afterAsking(_ replies: [Result<RedisValue, RedisError>]) throws -> RedisValue {
        guard let reply = replies.first else { throw RedisError.protocolError("no reply after ASKING") }
        return try reply.get()
    }

    // MARK: - Connections

    /// Runs `body` on a shared connection (see ``nextSlot()``); if that connection was found closed before anything
    /// was written, once more on a fresh one (retrying cannot run the commands twice).
    private func onSharedConnection<T>(_ body: (RedisConnection) async throws -> T) async throws -> T {
        let slot = nextSlot()
        return try await slot.using {
            do {
                return try await body(slot.connection())
            } catch let error as RedisChannelHandler.NotSent {
                return try await retryingOnce(notSent: error) { try await body(slot.connection()) }
            }
        }
    }

    /// Runs `body` on a connection of the blocking pool (once more on another if the first was found closed before
    /// anything was written); cancelling the task closes that connection.
    private func onDedicatedConnection<T>(_ body: (RedisConnection) async throws -> T) async throws -> T {
        do {
            return try await onDedicatedConnectionOnce(body)
        } catch let error as RedisChannelHandler.NotSent {
            return try await retryingOnce(notSent: error) { try await onDedicatedConnectionOnce(body) }
        }
    }

    private func onDedicatedConnectionOnce<T>(_ body: (RedisConnection) async throws -> T) async throws -> T {
        let connection = try await blocking.lease()
        do {
            let value = try await withTaskCancellationHandler {
                try await body(connection)
            } onCancel: {
                connection.close()
            }
            blocking.release(connection, reusable: true)
            return value
        } catch let error as RedisError {
            if case .server = error {
                blocking.release(connection, reusable: true)
                throw error
            }
            blocking.release(connection, reusable: false)
            if Task.isCancelled {
                throw CancellationError()
            }
            throw error
        } catch {
            blocking.release(connection, reusable: false)
            throw error
        }
    }

    /// The connection to use: one on the caller's own event loop if the caller runs on one (no thread hop), else
    /// the one with the fewest calls in flight, the first on a tie. One caller at a time therefore stays on one
    /// connection, whose event loop thread is still warm from its last reply (moving between event loops at each
    /// call costs a cold thread's wake-up every round trip), and concurrent callers spread over every connection.
    private func nextSlot() -> RedisSharedConnection {
        if let current = MultiThreadedEventLoopGroup.currentEventLoop,
            let local = shared.first(where: { $0.eventLoop === current })
        {
            return local
        }
        var chosen = shared[0]
        var lowest = chosen.load
        for slot in shared.dropFirst() where lowest > 0 {
            let load = slot.load
            if load < lowest { (chosen, lowest) = (slot, load) }
        }
        return chosen
    }

    private func retryingOnce<T>(notSent: RedisChannelHandler.NotSent, _ operation: () async throws -> T) async throws -> T {
        if Task.isCancelled { throw CancellationError() }
        do {
            return try await operation()
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw RedisConnection.redisError(error)
        }
    }
}
