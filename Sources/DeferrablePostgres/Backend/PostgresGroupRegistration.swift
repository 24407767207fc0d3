import Logging
import PostgresNIO
import Synchronization

/// Adds a group to the known groups (`<schema>.groups`, read by tools) once per backend, in the background and best
/// effort: no push or pop waits for it or fails because of it; a failed attempt is tried again by a later call.
final class PostgresGroupRegistration: Sendable {
    private enum Phase {
        case unregistered
        case registering
        case registered
    }

    private let phase = Mutex(Phase.unregistered)

    func register(group: String, on database: PostgresDatabase) {
        let start = phase.withLock { phase -> Bool in
            guard case .unregistered = phase else { return false }
            phase = .registering
            return true
        }
        guard start else { return }
        Task {
            do {
                try await database.query(
                    "INSERT INTO \(unescaped: database.schema.sql).groups (name) VALUES (\(group)) ON CONFLICT DO NOTHING",
                    "register group")
                phase.withLock { $0 = .registered }
            } catch {
                phase.withLock { $0 = .unregistered }
                database.logger.debug(
                    "Cannot add the group to the known groups", metadata: ["deferrable.group": "\(group)", "postgres.error": "\(error)"])
            }
        }
    }
}
