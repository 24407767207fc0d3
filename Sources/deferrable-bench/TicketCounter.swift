import Synchronization

/// Hands out consecutive numbers to many tasks (which job each producer pushes next).
final class TicketCounter: Sendable {
    private let next = Atomic<Int>(0)

    /// Creates a counter starting at 0.
    init() {}

    /// The next number.
    func take() -> Int {
        next.add(1, ordering: .relaxed).oldValue
    }
}
