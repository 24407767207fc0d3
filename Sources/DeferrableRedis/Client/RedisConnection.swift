import NIOCore
import NIOPosix

/// One connection to Redis: a NIO channel with a ``RedisChannelHandler``.
///
/// Many requests may be in flight at once (pipelining); replies complete them in order.
/// Requests are handed to the event loop without locks or tasks: one continuation and one enqueued closure per call
/// (none when the caller already runs on the channel's event loop).
final class RedisConnection: Sendable {
    let channel: any Channel
    /// The endpoint, for logs and errors.
    let endpoint: String
    private let handler: NIOLoopBound<RedisChannelHandler>

    private init(channel: any Channel, handler: NIOLoopBound<RedisChannelHandler>, endpoint: String) {
        self.channel = channel
        self.handler = handler
        self.endpoint = endpoint
    }

    /// Whether the channel is still open (a cheap atomic read).
    var isActive: Bool {
        channel.isActive
    }

    // MARK: - Connecting

    /// Opens a connection, then authenticates and selects the database, or sends `PING` when there is neither
    /// (in one round trip): a connection is returned only once the server has answered.
    ///
    /// The whole sequence is bounded by `configuration.connectTimeout` (the handshake gets at least 100 ms), so a
    /// server that accepts connections but never answers fails here, not at the first command.
    /// - Throws: ``RedisError/cannotConnect(endpoint:reason:)``; an authentication error (`NOAUTH`, `WRONGPASS`, ...)
    ///   has a reason starting with `authentication failed`.
    ///
    /// With `tls`, the TLS handshake is part of that sequence; its failure throws
    /// ``RedisError/tlsFailed(endpoint:failure:reason:)``. With `closesOnReadOnly`, the connection closes itself
    /// after a `READONLY` reply (the server is a replica now), so that the next connection finds the new primary.
    /// A Sentinel or cluster endpoint is not connected to directly (see ``RedisSentinelResolver`` and
    /// ``RedisClusterRouter``).
    static func connect(
        configuration: RedisConfiguration, tls: RedisTLSContext?, group: any EventLoopGroup,
        closesOnReadOnly: Bool = false
    ) async throws(RedisError) -> RedisConnection {
        let endpoint = configuration.endpoint.description
        let deadline = ContinuousClock.now + configuration.connectTimeout
        let tlsErrors = RedisTLSErrorRecorder()
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls, case .tcp(let host, _) = configuration.endpoint {
                        try channel.pipeline.syncOperations.addHandler(try tls.makeHandler(host: host))
                        try channel.pipeline.syncOperations.addHandler(tlsErrors)
                    }
                    try channel.pipeline.syncOperations.addHandler(RedisChannelHandler(closesOnReadOnly: closesOnReadOnly))
                }
            }
        let channel: any Channel
        do {
            switch configuration.endpoint {
            case .tcp(let host, let port):
                channel = try await bootstrap.connect(host: host, port: port).get()
            case .unixSocket(let path):
                channel = try await bootstrap.connect(unixDomainSocketPath: path).get()
            case .sentinel, .cluster:
                throw ChannelError.operationUnsupported
            }
        } catch {
            throw .cannotConnect(endpoint: endpoint, reason: describeConnectError(error, timeout: configuration.connectTimeout))
        }
        let connection: RedisConnection
        do {
            let handler = try await channel.eventLoop.submit {
                NIOLoopBound(try channel.pipeline.syncOperations.handler(type: RedisChannelHandler.self), eventLoop: channel.eventLoop)
            }.get()
            connection = RedisConnection(channel: channel, handler: handler, endpoint: endpoint)
        } catch {
            channel.close(promise: nil)
            if tls != nil,
                let tlsFailure = tlsErrors.failure(endpoint: endpoint, connectTimeout: configuration.connectTimeout)
            {
                throw tlsFailure
            }
            throw .cannotConnect(endpoint: endpoint, reason: "connection closed during setup: \(error)")
        }
        do {
            try await connection.handshake(configuration: configuration, deadline: deadline)
        } catch {
            connection.close()
            if tls != nil,
                let tlsFailure = tlsErrors.failure(endpoint: endpoint, connectTimeout: configuration.connectTimeout)
            {
                throw tlsFailure
            }
            throw error
        }
        return connection
    }

    /// `AUTH` and `SELECT` as configured, or `PING` when neither is, answered before `deadline`.
    private func handshake(configuration: RedisConfiguration, deadline: ContinuousClock.Instant) async throws(RedisError) {
        var commands: [RedisCommand] = []
        if let password = configuration.password {
            if let username = configuration.username {
                commands.append(RedisCommand("AUTH", username, password))
            } else {
                commands.append(RedisCommand("AUTH", password))
            }
        }
        if configuration.database != 0 {
            commands.append(RedisCommand("SELECT", String(configuration.database)))
        }
        if commands.isEmpty {
            commands.append(RedisCommand("PING"))
        }
        // What is left of the connect timeout, but at least 100 ms: a connection opened just in time still gets an
        // answer.
        let remaining = max(ContinuousClock.now.duration(to: deadline), .milliseconds(100))
        let results: [Result<RedisValue, RedisError>]
        do {
            results = try await pipeline(commands, timeout: remaining)
        } catch {
            let reason: String
            if case .timedOut = RedisConnection.redisError(error) {
                reason = "no reply to the handshake within \(configuration.connectTimeout)"
            } else {
                reason = "handshake failed: \(RedisConnection.redisError(error))"
            }
            throw .cannotConnect(endpoint: endpoint, reason: reason)
        }
        for (command, result) in zip(commands, results) {
            guard case .failure(let error) = result else {
                continue
            }
            let message: String
            if case .server(let text) = error {
                message = text
            } else {
                message = error.description
            }
            if command.name == "AUTH" || error.serverErrorCode == "NOAUTH" {
                throw .cannotConnect(endpoint: endpoint, reason: "authentication failed: \(message)")
            }
            if command.name == "SELECT" {
                throw .cannotConnect(endpoint: endpoint, reason: "SELECT \(configuration.database) failed: \(message)")
            }
            throw .cannotConnect(endpoint: endpoint, reason: "handshake failed: \(message)")
        }
    }

    // MARK: - Requests

    /// Sends one command and waits for its reply.
    ///
    /// - Throws: ``RedisError/server(message:)`` for an error reply, other ``RedisError``s for connection problems,
    ///   or ``RedisChannelHandler/NotSent`` if the connection was already closed (the command was not written).
    func send(_ command: RedisCommand, timeout: Duration) async throws -> RedisValue {
        let handler = self.handler
        let eventLoop = channel.eventLoop
        // The handler resumes the continuation directly (no promise, no future callback); when the caller already
        // runs on the channel's event loop the request is enqueued without a hop.
        return try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<RedisValue, any Error>) in
            if eventLoop.inEventLoop {
                handler.value.enqueue(command.encoded, sink: .single(continuation), operation: command.name, timeout: timeout)
            } else {
                eventLoop.execute {
                    handler.value.enqueue(command.encoded, sink: .single(continuation), operation: command.name, timeout: timeout)
                }
            }
        }
    }

    /// Sends `commands` with one write and one flush and returns their replies in order.
    ///
    /// Error replies are returned as `.failure(.server(...))`; connection problems are thrown.
    func pipeline(_ commands: [RedisCommand], timeout: Duration) async throws -> [Result<RedisValue, RedisError>] {
        guard !commands.isEmpty else {
            return []
        }
        var bytes = commands[0].encoded
        if commands.count > 1 {
            bytes.reserveCapacity(commands.reduce(0) { $0 + $1.encoded.readableBytes })
            for command in commands.dropFirst() {
                var encoded = command.encoded
                bytes.writeBuffer(&encoded)
            }
        }
        let operation = commands.count == 1 ? commands[0].name : "pipeline of \(commands.count) commands"
        return try await pipeline(encoded: bytes, count: commands.count, operation: operation, timeout: timeout)
    }

    /// Sends `count` commands already written as RESP into `request` with one write and one flush, and returns
    /// their replies in order. `operation` names them in timeout errors.
    func pipeline(
        encoded request: ByteBuffer, count expected: Int, operation: String, timeout: Duration
    ) async throws -> [Result<RedisValue, RedisError>] {
        guard expected > 0 else { return [] }
        let handler = self.handler
        let eventLoop = channel.eventLoop
        return try await withUnsafeThrowingContinuation {
            (continuation: UnsafeContinuation<[Result<RedisValue, RedisError>], any Error>) in
            if eventLoop.inEventLoop {
                let batch = RedisChannelHandler.Batch(expected: expected, continuation: continuation)
                handler.value.enqueue(request, sink: .batch(batch), operation: operation, timeout: timeout)
            } else {
                eventLoop.execute {
                    let batch = RedisChannelHandler.Batch(expected: expected, continuation: continuation)
                    handler.value.enqueue(request, sink: .batch(batch), operation: operation, timeout: timeout)
                }
            }
        }
    }

    /// Makes this a subscriber connection: pub/sub `message` replies go to `receiver` (on the event loop), every
    /// other reply completes its request as usual. If the connection is already closed, `receiver.closed` is called.
    func receivePushes(_ receiver: RedisChannelHandler.PushReceiver) async {
        let handler = self.handler
        do {
            try await channel.eventLoop.submit { handler.value.receivePushes(receiver) }.get()
        } catch {
            receiver.closed(.connectionLost(reason: "\(error)"))
        }
    }

    // MARK: - Closing

    /// Closes the channel without waiting; pending requests fail with ``RedisError/connectionLost(reason:)``.
    func close() {
        channel.close(promise: nil)
    }

    /// Closes the channel and waits until it is closed.
    func closeAndWait() async {
        let promise = channel.eventLoop.makePromise(of: Void.self)
        channel.close(promise: promise)
        try? await promise.futureResult.get()
    }

    // MARK: - Errors

    /// Maps whatever a request threw to a ``RedisError``.
    static func redisError(_ error: any Error) -> RedisError {
        switch error {
        case let error as RedisError:
            return error
        case let error as RedisChannelHandler.NotSent:
            return error.reason
        default:
            return .connectionLost(reason: "\(error)")
        }
    }

    private static func describeConnectError(_ error: any Error, timeout: Duration) -> String {
        switch error {
        case let error as ChannelError:
            if case .connectTimeout = error {
                return "connect timed out after \(timeout)"
            }
            return "\(error)"
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first {
                return describeConnectError(first.error, timeout: timeout)
            }
            if let dnsError = error.dnsAError ?? error.dnsAAAAError {
                return "cannot resolve host \(error.host): \(dnsError)"
            }
            return "cannot resolve host \(error.host)"
        case let error as IOError:
            return describeErrno(error.errnoCode) ?? "\(error)"
        default:
            return "\(error)"
        }
    }

    private static func describeErrno(_ code: CInt) -> String? {
        switch code {
        case 111, 61:
            return "connection refused"
        case 2:
            return "no such socket file"
        case 13:
            return "permission denied"
        case 101, 51:
            return "network unreachable"
        case 113, 65:
            return "host unreachable"
        case 110, 60:
            return "connection timed out"
        default:
            return nil
        }
    }
}
