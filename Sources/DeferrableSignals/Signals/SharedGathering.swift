import Synchronization

/// A collection's gathering shared by the task that runs its listeners and the caller that waits for its end.
///
/// An answer is taken, and the end decided, under one lock in the task that produced it, so a listener that is
/// about to start can see that the collection is over: nothing starts after the end.
final class SharedGathering<Payload: Sendable, Response: Sendable>: Sendable {
    private let state: Mutex<ResponseGathering<Payload, Response>>

    init(_ gathering: sending ResponseGathering<Payload, Response>) {
        state = Mutex(gathering)
    }

    /// `true` once the collection has ended.
    var isOver: Bool { state.withLock { $0.isOver } }

    /// Takes the answer of the listener at `index`.
    /// - Returns: its failure, if it failed and was taken; whether the collection is over now.
    func add(_ index: Int, _ result: Result<Response, any Error>) -> (failure: ListenerFailure?, isOver: Bool) {
        state.withLock { gathering in
            let failure = gathering.add(index, result)
            return (failure, gathering.isOver)
        }
    }

    /// Ends the collection at its deadline, unless it has ended already.
    func passDeadline() {
        state.withLock { $0.passDeadline() }
    }

    /// The collection as it stands.
    func collection(ranOnPool: Bool) -> SignalCollection<Response> {
        state.withLock { $0.collection(ranOnPool: ranOnPool) }
    }
}
