/// Thrown by a delivery whose policy is ``SignalErrorPolicy/throwAfterAll`` or
/// ``SignalErrorPolicy/stopAtFirstFailure`` when a listener failed; it carries the whole report.
public struct SignalDeliveryFailed<Response: Sendable>: Error, CustomStringConvertible {
    /// The report: which listeners ran, which failed and why, which did not run.
    public let delivery: SignalDelivery<Response>

    public var description: String {
        let failures = delivery.failures
        let names = failures.map(\.listener.name).joined(separator: ", ")
        return
            "signal \(delivery.signal): \(failures.count) listener(s) failed (\(names)); first: \(failures.first.map { String(describing: $0.error) } ?? "none")"
    }
}
