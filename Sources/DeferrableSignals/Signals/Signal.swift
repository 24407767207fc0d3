import CoreMetrics
import Deferrable
import Logging
import Synchronization

/// A typed signal: senders fire it with a `Payload`, listeners connected to it run and may answer with a
/// `Response`.
///
/// Listeners connect with a name, a priority and a mode, and get a ``ListenerToken`` to disconnect. Higher
/// priorities run first, equal priorities in order of connection; a delivery works on the listeners connected
/// when it starts, so connecting or disconnecting meanwhile does not change it.
///
/// - ``send(_:errors:)`` (fire and forget) runs the *immediate* listeners at once, one after another, and pushes
///   the *queued* ones as Deferrable jobs, which run on workers with retries and everything else.
/// - ``collect(_:options:)`` gathers the responses of the immediate listeners, inline or on a ``ShortTermPool``,
///   until all, the first N or the first success have answered, or a deadline passes. It never uses the queue.
/// - ``dispatchInOrder(_:errors:)`` runs the immediate listeners strictly one after another, and never two
///   dispatches of the signal at once: for listeners that modify one shared object.
///
/// A listener's error does not reach the sender unless it asks for it (``SignalErrorPolicy``): it is logged,
/// counted, reported in the delivery, and the listener's declared default response stands in for its own.
public final class Signal<Payload: Sendable, Response: Sendable>: Sendable {
    /// The name in logs, metric dimensions, reports and the job names of queued listeners.
    public let name: String
    let clock: ElapsedClock
    let logger: Logger
    let metrics: SignalMetrics
    let table = Mutex(ListenerTable<Payload, Response>())
    let orderGate = SerialGate()

    /// Creates a signal.
    /// - Parameters:
    ///   - clock: the clock for collection deadlines (a manually advanced one in tests).
    ///   - metrics: the metrics factory; `nil` uses the one bootstrapped in `MetricsSystem`.
    public init<C: Clock>(
        _ name: String, clock: C, logger: Logger = Logger(label: "deferrable.signal"), metrics: (any MetricsFactory)? = nil
    ) where C.Duration == Duration {
        self.name = name
        self.clock = ElapsedClock(clock)
        self.logger = logger
        self.metrics = SignalMetrics(signal: name, factory: metrics ?? MetricsSystem.factory)
    }

    /// Creates a signal on the continuous clock.
    public convenience init(
        _ name: String, logger: Logger = Logger(label: "deferrable.signal"), metrics: (any MetricsFactory)? = nil
    ) {
        self.init(name, clock: ContinuousClock(), logger: logger, metrics: metrics)
    }

    /// Connects an immediate listener: it runs in the sender's task when the signal is sent, dispatched or
    /// collected.
    /// - Parameters:
    ///   - listenerName: its name in logs, metrics and reports.
    ///   - priority: higher runs first; equal priorities run in order of connection.
    ///   - defaultResponse: what stands in for its response when it throws; `nil`: none.
    ///   - body: the listener.
    /// - Returns: the token that disconnects it.
    @discardableResult
    public func connect(
        _ listenerName: String, priority: Int = 0, defaultResponse: Response? = nil,
        _ body: @escaping @Sendable (Payload) async throws -> Response
    ) -> ListenerToken {
        add(listenerName, priority: priority, mode: .immediate, .immediate(body, defaultResponse: defaultResponse))
    }

    /// Disconnects the listener of `token`. A delivery that has started still reaches it.
    /// - Returns: `false` when it was not connected (already disconnected, or a token of another signal).
    @discardableResult
    public func disconnect(_ token: ListenerToken) -> Bool {
        table.withLock { $0.remove(token) }
    }

    /// The connected listeners in dispatch order.
    public var listeners: [SignalListener] {
        table.withLock { $0.entries.map(\.listener) }
    }

    /// Adds a listener with `body`.
    func add(
        _ listenerName: String, priority: Int, mode: ListenerMode, _ body: ListenerEntry<Payload, Response>.Body
    ) -> ListenerToken {
        table.withLock { table in
            let token = table.nextToken(signal: ObjectIdentifier(self))
            let listener = SignalListener(name: listenerName, priority: priority, mode: mode, token: token)
            table.insert(ListenerEntry(listener: listener, body: body))
            return token
        }
    }

    /// The listeners connected now, in dispatch order.
    func snapshot() -> [ListenerEntry<Payload, Response>] {
        table.withLock { $0.entries }
    }

    /// Logs and counts a listener's failure.
    func record(_ failure: ListenerFailure) {
        metrics.countFailure(of: failure.listener)
        logger.warning(
            "signal listener failed",
            metadata: [
                "signal": "\(name)", "listener": "\(failure.listener.name)", "mode": "\(failure.listener.mode)",
                "error": "\(String(describing: failure.error))",
            ])
    }
}
