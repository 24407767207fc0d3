import Synchronization

/// One value per group of a factory, made on first use, so that every backend of a group shares it (its group
/// registration, its coalesced calls).
final class PerGroup<Value: Sendable>: Sendable {
    private let values = Mutex<[String: Value]>([:])
    private let make: @Sendable (String) -> Value

    init(_ make: @escaping @Sendable (String) -> Value) {
        self.make = make
    }

    func `for`(_ group: String) -> Value {
        values.withLock { values in
            if let value = values[group] { return value }
            let value = make(group)
            values[group] = value
            return value
        }
    }
}
