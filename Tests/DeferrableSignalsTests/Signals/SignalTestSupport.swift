import DeferrableSignals
import DeferrableTestSupport
import Logging

/// A signal logging nowhere unless a logger is given.
func makeSignal<Payload: Sendable, Response: Sendable>(
    _ name: String = "test", of: (Payload.Type, Response.Type), clock: SteppedClock = SteppedClock(),
    logger: Logger = Logger(label: "signal-test", factory: { _ in SwiftLogNoOpLogHandler() })
) -> Signal<Payload, Response> {
    Signal(name, clock: clock, logger: logger)
}

/// A listener's error in the tests.
struct ListenerBroke: Error, Equatable, CustomStringConvertible {
    let listener: String

    var description: String { "\(listener) broke" }
}
