import Synchronization

/// The settlements of this process whose last call failed after it may have taken effect (a lost reply).
///
/// SQS cannot tell a repeated request from a new one, so the backend remembers, by receipt handle, how far such a
/// settlement got: a repeat then skips the send that already happened and accepts that the message is gone. Bounded:
/// past ``capacity`` entries the memo starts again empty, so a later repeat may send a second copy (never lose one).
final class SQSSettlementMemo: Sendable {
    enum Progress: Sendable, Equatable {
        /// The delete may have happened.
        case deleteInDoubt
        /// The replacement message was sent; the delete may have happened.
        case sent
    }

    static let capacity = 4096

    private let entries = Mutex<[String: Progress]>([:])

    func progress(of receiptHandle: String) -> Progress? {
        entries.withLock { $0[receiptHandle] }
    }

    func record(_ progress: Progress, for receiptHandle: String) {
        entries.withLock { entries in
            if entries.count >= Self.capacity, entries[receiptHandle] == nil { entries.removeAll() }
            entries[receiptHandle] = progress
        }
    }

    func forget(_ receiptHandle: String) {
        entries.withLock { _ = $0.removeValue(forKey: receiptHandle) }
    }

    func forgetAll() {
        entries.withLock { $0.removeAll() }
    }
}
