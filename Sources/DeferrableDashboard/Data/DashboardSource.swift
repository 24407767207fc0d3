import Deferrable
import Logging

/// Where the pages read from: the factory's groups and their backends.
struct DashboardSource: Sendable {
    let factory: any BackendFactory & GroupCatalog
    let logger: Logger

    /// The known group names, sorted.
    func groups() async throws -> [String] {
        try await factory.knownGroups()
    }

    /// The backend of `group`.
    /// - Throws: ``DashboardRequestError/notFound(_:)`` when the name is not a valid group name.
    func backend(group: String) throws -> any Backend {
        do {
            try GroupName.validate(group)
        } catch {
            throw DashboardRequestError.notFound(error.description)
        }
        return try factory.makeBackend(group: group)
    }

    /// An instance over `group`, for the error-queue operations.
    func deferrable(group: String) throws -> Deferrable {
        try Deferrable(backend: backend(group: group), logger: logger)
    }
}
