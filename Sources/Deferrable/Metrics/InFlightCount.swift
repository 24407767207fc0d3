import Synchronization

/// The number of runs of one group in flight in this process, as a ``MetricsObserver`` counts them: up at each `pop`
/// event, down at the event that closes the run.
final class InFlightCount: Sendable {
    private let value = Atomic<Int>(0)

    /// Counts a run that started; returns the new count.
    func increment() -> Int {
        value.wrappingAdd(1, ordering: .relaxed).newValue
    }

    /// Counts a run that ended; returns the new count. At zero it stays at zero: the run started before the
    /// observer was added, so its start was never counted.
    func decrement() -> Int {
        var current = value.load(ordering: .relaxed)
        while current > 0 {
            let (exchanged, original) = value.weakCompareExchange(
                expected: current, desired: current - 1, ordering: .relaxed)
            if exchanged { return current - 1 }
            current = original
        }
        return 0
    }
}
