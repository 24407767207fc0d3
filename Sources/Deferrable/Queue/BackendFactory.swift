/// Makes the ``Backend`` of a group. One factory serves many groups of one store (memory, Redis).
public protocol BackendFactory: Sendable {
    /// Returns the backend of `group`.
    /// - Throws: ``DeferrableError/invalidGroupName(_:reason:)`` when the name is not valid.
    func makeBackend(group: String) throws -> any Backend
}
