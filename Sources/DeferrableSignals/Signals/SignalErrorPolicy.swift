/// What a listener's unhandled error does to the rest of a delivery.
///
/// Whatever the policy, every failure is logged and counted, and reported in the delivery with the listener's
/// declared default response.
public enum SignalErrorPolicy: Sendable, Hashable {
    /// Every listener runs; a failed listener's default response stands in for its own, and nothing is thrown.
    case collect
    /// Every listener runs; when any of them failed, the call then throws the report
    /// (``SignalDeliveryFailed`` or ``SignalCollectionFailed``).
    case throwAfterAll
    /// The first failure ends the delivery: the listeners after it do not run, and the call throws the report.
    case stopAtFirstFailure
}
