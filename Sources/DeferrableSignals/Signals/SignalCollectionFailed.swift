/// Thrown by ``Signal/collect(_:options:)`` whose policy is ``SignalErrorPolicy/throwAfterAll`` or
/// ``SignalErrorPolicy/stopAtFirstFailure`` when a listener failed; it carries what was gathered.
public struct SignalCollectionFailed<Response: Sendable>: Error, CustomStringConvertible {
    /// What was gathered, with the failures.
    public let collection: SignalCollection<Response>

    public var description: String {
        let failures = collection.failures
        return
            "signal \(collection.signal): \(failures.count) listener(s) failed; first: \(failures.first.map { String(describing: $0) } ?? "none")"
    }
}
