import Synchronization

extension MemoryBackendFactory: GroupCatalog {
    /// The groups this factory made a backend for, sorted.
    public func knownGroups() async throws -> [String] {
        stores.withLock { Array($0.keys) }.sorted()
    }
}
