import Synchronization

/// Carries the encoded value a job body returned out of the wrappers around the run (time limit, metadata providers,
/// lease hold), which return nothing. Made only for jobs that return a value.
final class ResultSlot: Sendable {
    private let slot = Mutex<ReturnedValue?>(nil)

    /// The value stored last, if any.
    var value: ReturnedValue? { slot.withLock { $0 } }

    func store(_ value: ReturnedValue?) {
        slot.withLock { $0 = value }
    }
}
