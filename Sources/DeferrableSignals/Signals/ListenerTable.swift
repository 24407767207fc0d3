/// The listeners of one signal in dispatch order: higher priority first, equal priorities in order of connection.
struct ListenerTable<Payload: Sendable, Response: Sendable>: Sendable {
    private(set) var entries: [ListenerEntry<Payload, Response>] = []
    private var nextSequence: UInt64 = 0

    /// A token for the next connection.
    mutating func nextToken(signal: ObjectIdentifier) -> ListenerToken {
        nextSequence &+= 1
        return ListenerToken(signal: signal, sequence: nextSequence)
    }

    /// Adds `entry` after every listener of a higher or equal priority.
    mutating func insert(_ entry: ListenerEntry<Payload, Response>) {
        let index = entries.firstIndex { $0.listener.priority < entry.listener.priority } ?? entries.endIndex
        entries.insert(entry, at: index)
    }

    /// Removes the listener of `token`; `false` when it is not connected.
    mutating func remove(_ token: ListenerToken) -> Bool {
        guard let index = entries.firstIndex(where: { $0.listener.token == token }) else { return false }
        entries.remove(at: index)
        return true
    }
}
