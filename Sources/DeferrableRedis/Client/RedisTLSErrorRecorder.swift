import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import NIOTLS

/// Sits right after the TLS handler and keeps the first error it reports before the handshake completed (or a TLS
/// error after it) and whether the handshake completed, so a connection that fails during the TLS handshake can say
/// why (``RedisTLSContext/describe(_:)``) instead of only that it closed or timed out. A plain I/O error after the
/// handshake (a reset during `AUTH`) is not TLS's fault and is not kept.
final class RedisTLSErrorRecorder: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let recorded = NIOLockedValueBox<(error: (any Error)?, handshakeCompleted: Bool)>((nil, false))

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        recorded.withLockedValue { recorded in
            let isTLSError = error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError
            if recorded.error == nil, !recorded.handshakeCompleted || isTLSError { recorded.error = error }
        }
        context.fireErrorCaught(error)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent {
            recorded.withLockedValue { $0.handshakeCompleted = true }
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// The TLS error to throw for a connection set-up that failed, or `nil` when TLS is not to blame.
    func failure(endpoint: String, connectTimeout: Duration) -> RedisError? {
        let (error, handshakeCompleted) = recorded.withLockedValue { $0 }
        if let error {
            let (failure, reason) = RedisTLSContext.describe(error)
            return .tlsFailed(endpoint: endpoint, failure: failure, reason: reason)
        }
        guard !handshakeCompleted else { return nil }
        return .tlsFailed(
            endpoint: endpoint, failure: .notTLS,
            reason: "no TLS handshake within \(connectTimeout): the server does not speak TLS on this port (a Redis "
                + "plain-text port waits for more input) or does not answer")
    }
}
