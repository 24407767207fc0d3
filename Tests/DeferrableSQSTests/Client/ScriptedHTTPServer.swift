import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real HTTP server on a loopback port that answers each request with the next of its scripted answers (the
/// last one again once the script is used up), and counts the requests.
final class ScriptedHTTPServer: Sendable {
    struct Answer: Sendable {
        let status: HTTPResponseStatus
        let body: String
    }

    private let channel: any Channel
    private let script: Script

    /// The port it listens on.
    var port: Int { channel.localAddress?.port ?? 0 }

    /// Requests answered so far.
    var served: Int { script.served }

    private init(channel: any Channel, script: Script) {
        self.channel = channel
        self.script = script
    }

    /// Starts the server on 127.0.0.1 with `answers`.
    static func start(_ answers: [Answer]) async throws -> ScriptedHTTPServer {
        let script = Script(answers)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(ScriptedHandler(script: script))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return ScriptedHTTPServer(channel: channel, script: script)
    }

    /// Stops listening.
    func stop() async throws {
        try await channel.close()
    }
}

/// The answers, and how many were given.
private final class Script: Sendable {
    private let state: Mutex<(answers: [ScriptedHTTPServer.Answer], served: Int)>

    init(_ answers: [ScriptedHTTPServer.Answer]) {
        state = Mutex((answers, 0))
    }

    var served: Int { state.withLock { $0.served } }

    func next() -> ScriptedHTTPServer.Answer {
        state.withLock { state in
            defer { state.served += 1 }
            guard let last = state.answers.last else { return .init(status: .internalServerError, body: "") }
            return state.served < state.answers.count ? state.answers[state.served] : last
        }
    }
}

private final class ScriptedHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let script: Script

    init(script: Script) {
        self.script = script
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        let answer = script.next()
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/x-amz-json-1.0")
        headers.add(name: "Content-Length", value: "\(answer.body.utf8.count)")
        let head = HTTPResponseHead(version: .http1_1, status: answer.status, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: answer.body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
