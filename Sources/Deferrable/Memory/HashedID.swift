/// A job id with its hash value computed once, outside the group's lock: the dictionaries keyed by it hash an `Int`
/// under the lock, and a resize rehashes no string.
struct HashedID: Hashable, Sendable {
    let id: String
    let hash: Int

    init(_ id: String) {
        self.id = id
        hash = id.hashValue
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(hash)
    }

    static func == (lhs: HashedID, rhs: HashedID) -> Bool {
        lhs.hash == rhs.hash && lhs.id == rhs.id
    }
}
