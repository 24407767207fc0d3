import Foundation
import Synchronization

/// Makes lease tokens unique across processes: a random process prefix and a counter.
final class LeaseTokens: Sendable {
    private let prefix = UUID().uuidString.prefix(13).lowercased()
    private let counter = Atomic<UInt64>(0)

    func next() -> String {
        "\(prefix)\(counter.add(1, ordering: .relaxed).newValue)"
    }
}
