import DeferrableRedis
import NIOCore
import NIOPosix

/// The floor of one unpipelined command awaited from an async task over SwiftNIO, with nothing of the library in
/// between: one NIO channel to the server whose only handler succeeds the oldest waiting promise at each reply line,
/// awaited with `EventLoopFuture.get()` as async SwiftNIO code does. It sends the same `LPUSH key xxx` as
/// `reference-lpush`, or the same `LPUSH` as a bare push (``BarePush``), so each pair differs only in the client. Plain TCP or a Unix socket, with `AUTH` when the URL has a
/// password; it has no TLS and follows no Sentinel or Cluster.
final class MinimalNIOPush: Sendable {
    private let channel: any Channel
    private let request: ByteBuffer
    private let key: String

    private init(channel: any Channel, key: String) {
        self.channel = channel
        self.key = key
        request = Self.encode(["LPUSH", key, "xxx"])
    }

    /// Connects to the server of `configuration` on the shared event loop group; `nil` for a TLS, Sentinel or
    /// Cluster configuration.
    static func connect(_ configuration: RedisConfiguration, key: String) async throws -> MinimalNIOPush? {
        guard configuration.tls == nil else { return nil }
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(LineReplyHandler()) }
            }
        let channel: any Channel
        switch configuration.endpoint {
        case .tcp(let host, let port): channel = try await bootstrap.connect(host: host, port: port).get()
        case .unixSocket(let path): channel = try await bootstrap.connect(unixDomainSocketPath: path).get()
        case .sentinel, .cluster: return nil
        }
        let push = MinimalNIOPush(channel: channel, key: key)
        if let password = configuration.password {
            try await push.round(encode(["AUTH"] + (configuration.username.map { [$0] } ?? []) + [password]))
        }
        if configuration.database != 0 {
            try await push.round(encode(["SELECT", String(configuration.database)]))
        }
        return push
    }

    /// Sends the `LPUSH` once and waits for its reply.
    func send() async throws {
        try await round(request)
    }

    /// Sends `LPUSH` with `arguments` (a list and its elements) once and waits for its reply.
    func send(lpush arguments: [[UInt8]]) async throws {
        var buffer = ByteBuffer()
        buffer.writeString("*\(arguments.count + 1)\r\n$5\r\nLPUSH\r\n")
        for argument in arguments {
            buffer.writeString("$\(argument.count)\r\n")
            buffer.writeBytes(argument)
            buffer.writeString("\r\n")
        }
        try await round(buffer)
    }

    /// Deletes the list written and closes the connection.
    func close() async throws {
        try await round(Self.encode(["DEL", key]))
        try await channel.close()
    }

    private func round(_ bytes: ByteBuffer) async throws {
        let reply = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(LineReplyHandler.Request(bytes: bytes, reply: reply), promise: nil)
        try await reply.futureResult.get()
    }

    private static func encode(_ arguments: [String]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeString("*\(arguments.count)\r\n")
        for argument in arguments {
            buffer.writeString("$\(argument.utf8.count)\r\n\(argument)\r\n")
        }
        return buffer
    }
}

/// Queues a promise per request written and succeeds the oldest at each `\n` read: every reply of the commands
/// `MinimalNIOPush` sends is one line (`:N`, `+OK`, or an `-ERR`, which fails the request).
private final class LineReplyHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = Request
    typealias OutboundOut = ByteBuffer

    struct Request {
        var bytes: ByteBuffer
        var reply: EventLoopPromise<Void>
    }

    private var waiting = CircularBuffer<EventLoopPromise<Void>>()
    private var lineIsError = false
    private var atLineStart = true

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        waiting.append(request.reply)
        context.write(wrapOutboundOut(request.bytes), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        buffer.withUnsafeReadableBytes { bytes in
            for byte in bytes {
                if atLineStart { lineIsError = byte == UInt8(ascii: "-") }
                atLineStart = byte == UInt8(ascii: "\n")
                guard atLineStart, let reply = waiting.popFirst() else { continue }
                if lineIsError {
                    reply.fail(BenchError.reference("the server refused a command of the minimal SwiftNIO reference"))
                } else {
                    reply.succeed(())
                }
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(error)
        context.close(promise: nil)
    }

    private func failAll(_ error: any Error) {
        while let reply = waiting.popFirst() { reply.fail(error) }
    }
}
