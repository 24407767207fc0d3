import Deferrable
import NIOCore
import NIOPosix

/// The `fault-downstream` job: a call to a downstream service (a TCP connection to 127.0.0.1:port, which fails
/// while nothing listens there) guarded by a circuit breaker shared through Redis.
enum FaultDownstream {
    /// The downstream refused the connection.
    struct Unreachable: Error {}

    /// Registers the job on `deferrable`.
    static func register(on deferrable: Deferrable, store: any CircuitBreakerStore, port: Int, output: LineFile?) throws {
        let breaker = try CircuitBreaker(
            name: "fault-downstream",
            policy: try CircuitBreakerPolicy(trip: .consecutiveFailures(3), breakDuration: .seconds(1)),
            store: store)
        _ = try deferrable.register(
            "fault-downstream",
            options: JobOptions(maxAttempts: 50, retry: .always, backoff: .fixed(.milliseconds(200)), circuitBreaker: breaker)
        ) { (_: FaultArgs, context: JobContext) in
            output?.append("call \(context.id)")
            do {
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connectTimeout(.seconds(1))
                    .connect(host: "127.0.0.1", port: port).get()
                try? await channel.close()
            } catch {
                throw Unreachable()
            }
            output?.append("done \(context.id) \(context.attempt)")
        }
    }
}
