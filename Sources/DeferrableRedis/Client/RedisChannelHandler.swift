import NIOCore

/// The NIO handler of one Redis connection.
///
/// Requests are enqueued with ``enqueue(_:sink:operation:timeout:)`` (on the event loop). Each request's reply sink
/// goes into a FIFO; the encoded bytes are written immediately and flushed once per event-loop tick, so concurrent
/// callers and pipelines share syscalls. Inbound bytes are fed to a hiredis reader (``RedisReplyReader``) and every
/// complete reply completes the oldest sink, which is what makes pipelining work.
///
/// A subscriber connection (one with a ``PushReceiver``, see ``receivePushes(_:)``) hands its unsolicited pub/sub
/// `message` replies to the receiver instead; every other reply (the confirmations of `SUBSCRIBE`, `PING`) stays in
/// the FIFO.
///
/// Failure handling:
/// - an error reply fails only its own request, with ``RedisError/server(message:)``;
/// - a protocol error, an I/O error or the channel closing fails every pending request and closes the channel;
/// - if a request is not answered by its deadline it fails with ``RedisError/timedOut(operation:after:)``, the others
///   with ``RedisError/connectionLost(reason:)``, and the channel is closed (the reply order is lost). Deadlines
///   differ per request (a blocking command waits longer), so the timer always runs to the earliest one.
final class RedisChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Thrown when a request reaches a connection that is already closed: it was never written, so retrying is safe.
    struct NotSent: Error {
        let reason: RedisError
    }

    /// Where a reply (or replies) go.
    enum Sink {
        /// Resumed on the event loop when the reply arrives (exactly once: every sink is completed or failed).
        case single(UnsafeContinuation<RedisValue, any Error>)
        case batch(Batch)

        func fail(_ error: any Error) {
            switch self {
            case .single(let continuation):
                continuation.resume(throwing: error)
            case .batch(let batch):
                batch.continuation.resume(throwing: error)
            }
        }
    }

    /// Collects the replies of a pipeline; completed when `expected` replies have arrived.
    final class Batch {
        let expected: Int
        let continuation: UnsafeContinuation<[Result<RedisValue, RedisError>], any Error>
        var results: [Result<RedisValue, RedisError>]

        init(expected: Int, continuation: UnsafeContinuation<[Result<RedisValue, RedisError>], any Error>) {
            self.expected = expected
            self.continuation = continuation
            self.results = []
            self.results.reserveCapacity(expected)
        }
    }

    /// Receives the pub/sub messages of a subscriber connection, on the event loop.
    struct PushReceiver: Sendable {
        /// A `message` reply: its channel and payload.
        let message: @Sendable (_ channel: [UInt8], _ payload: [UInt8]) -> Void
        /// The connection closed (called once; also at once if it was closed when the receiver was installed).
        let closed: @Sendable (RedisError) -> Void
    }

    /// The kind of an RESP2 pub/sub message reply.
    private static let messageKind = RedisValue.bulkString(Array("message".utf8))

    private struct Pending {
        let sink: Sink
        let deadline: NIODeadline
        let operation: String
        let timeout: Duration
    }

    private let reader = RedisReplyReader()
    private var pending = CircularBuffer<Pending>(initialCapacity: 16)
    private var context: ChannelHandlerContext?
    /// Set once the channel is closing or closed; new requests fail with ``NotSent``.
    private var closedReason: RedisError?
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?
    private var flushScheduled = false
    private var pushReceiver: PushReceiver?

    /// Whether a `READONLY` reply closes the connection (see ``init(closesOnReadOnly:)``).
    private let closesOnReadOnly: Bool

    /// Creates the handler. With `closesOnReadOnly`, a `READONLY` error reply (the server was demoted to a replica)
    /// is delivered to its request and then closes the connection, failing the requests behind it with
    /// ``RedisError/connectionLost(reason:)``, so that the client reconnects to the new primary.
    init(closesOnReadOnly: Bool = false) {
        self.closesOnReadOnly = closesOnReadOnly
    }

    /// Makes this a subscriber connection: `message` replies go to `receiver`. Must be called on the event loop.
    func receivePushes(_ receiver: PushReceiver) {
        guard closedReason == nil, context != nil else {
            receiver.closed(closedReason ?? .connectionLost(reason: "connection is closed"))
            return
        }
        pushReceiver = receiver
    }

    // MARK: - Requests

    /// Queues a request. Must be called on the channel's event loop.
    func enqueue(_ bytes: ByteBuffer, sink: Sink, operation: String, timeout: Duration) {
        guard let context, closedReason == nil else {
            sink.fail(NotSent(reason: closedReason ?? .connectionLost(reason: "connection is closed")))
            return
        }
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        pending.append(Pending(sink: sink, deadline: deadline, operation: operation, timeout: timeout))
        if let timerDeadline, timerDeadline <= deadline {
            // The timer already fires no later than this request's deadline.
        } else {
            timer?.cancel()
            scheduleTimer(at: deadline, context: context)
        }
        context.write(wrapOutboundOut(bytes), promise: nil)
        if !flushScheduled {
            flushScheduled = true
            context.eventLoop.assumeIsolated().execute {
                self.flushScheduled = false
                self.context?.flush()
            }
        }
    }

    // MARK: - ChannelHandler

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        shutDown(reason: closedReason ?? .connectionLost(reason: "connection closed"))
        timer?.cancel()
        timer = nil
        timerDeadline = nil
        reader.free()
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        do {
            try reader.feed(buffer)
            while closedReason == nil, let value = try reader.next() {
                deliver(value, context: context)
            }
        } catch {
            fail(with: error, context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        shutDown(reason: closedReason ?? .connectionLost(reason: "connection closed by the server"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(with: .connectionLost(reason: "\(error)"), context: context)
    }

    // MARK: - Internals

    private func deliver(_ value: RedisValue, context: ChannelHandlerContext) {
        if let pushReceiver, case .array(let parts) = value, parts.count == 3, parts[0] == Self.messageKind {
            pushReceiver.message(parts[1].bytes ?? [], parts[2].bytes ?? [])
            return
        }
        guard let head = pending.first else {
            fail(with: .protocolError("received a reply while no command was pending"), context: context)
            return
        }
        defer {
            if closesOnReadOnly, case .error(let message) = value, message.hasPrefix("READONLY") {
                fail(
                    with: .connectionLost(reason: "the server is a read-only replica now; reconnecting to the primary"),
                    context: context)
            }
        }
        switch head.sink {
        case .single(let continuation):
            pending.removeFirst()
            if case .error(let message) = value {
                continuation.resume(throwing: RedisError.server(message: message))
            } else {
                continuation.resume(returning: value)
            }
        case .batch(let batch):
            if case .error(let message) = value {
                batch.results.append(.failure(.server(message: message)))
            } else {
                batch.results.append(.success(value))
            }
            if batch.results.count == batch.expected {
                pending.removeFirst()
                batch.continuation.resume(returning: batch.results)
            }
        }
    }

    /// Fails everything pending with `error` and closes the channel.
    private func fail(with error: RedisError, context: ChannelHandlerContext) {
        guard closedReason == nil else {
            return
        }
        shutDown(reason: error)
        context.close(promise: nil)
    }

    /// Marks the handler closed and fails every pending request with `reason`.
    private func shutDown(reason: RedisError) {
        if closedReason == nil {
            closedReason = reason
        }
        while let entry = pending.popFirst() {
            entry.sink.fail(reason)
        }
        if let receiver = pushReceiver {
            pushReceiver = nil
            receiver.closed(closedReason ?? reason)
        }
    }

    private func scheduleTimer(at deadline: NIODeadline, context: ChannelHandlerContext) {
        timerDeadline = deadline
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.timerFired()
        }
    }

    private func timerFired() {
        timer = nil
        timerDeadline = nil
        guard let context, closedReason == nil, !pending.isEmpty else {
            return
        }
        let now = NIODeadline.now()
        guard let expired = pending.firstIndex(where: { $0.deadline <= now }) else {
            scheduleTimer(at: pending.lazy.map(\.deadline).min()!, context: context)
            return
        }
        let entry = pending.remove(at: expired)
        entry.sink.fail(RedisError.timedOut(operation: entry.operation, after: entry.timeout))
        fail(
            with: .connectionLost(reason: "connection closed because an earlier \(entry.operation) timed out"),
            context: context
        )
    }
}
