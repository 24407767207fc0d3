import Logging
import Synchronization

/// Adds a group to the set of known groups (`P:groups`, read by tools), best effort and off the push path.
///
/// `P:groups` is a key outside the group's hash tag: a client whose ACL covers only the group's keys cannot write
/// it, and on Redis Cluster it lives in another slot. So no push waits for it or fails because of it: the first
/// push of a backend starts one `SADD` in a task of its own. If it fails, the failure is logged (at `notice` the
/// first time, then at `debug`) and a push at least ``retryInterval`` later tries again.
final class GroupRegistration: Sendable {
    /// How long after a failed attempt the next push tries again.
    static let retryInterval: Duration = .seconds(60)

    private enum Phase {
        case unregistered(retryAfter: ContinuousClock.Instant?)
        case registering
        case registered
    }

    private struct State {
        var phase = Phase.unregistered(retryAfter: nil)
        var failures = 0
    }

    private let state = Mutex(State())

    /// Starts the registration unless it is done, under way, or failed less than ``retryInterval`` ago; never waits.
    func registerInBackground(client: RedisClient, keys: RedisKeys, group: String) {
        let start = state.withLock { state -> Bool in
            switch state.phase {
            case .registered, .registering:
                return false
            case .unregistered(let retryAfter):
                if let retryAfter, ContinuousClock.now < retryAfter { return false }
                state.phase = .registering
                return true
            }
        }
        guard start else { return }
        Task {
            do {
                _ = try await client.send(RedisCommand("SADD", keys.groups, group))
                state.withLock { $0.phase = .registered }
            } catch {
                let first = state.withLock { state -> Bool in
                    state.phase = .unregistered(retryAfter: .now + Self.retryInterval)
                    state.failures += 1
                    return state.failures == 1
                }
                client.logger.log(
                    level: first ? .notice : .debug,
                    "Cannot add the group to the set of known groups; tools that list groups will not show it",
                    metadata: ["deferrable.group": "\(group)", "redis.key": "\(keys.groups)", "redis.error": "\(error)"])
            }
        }
    }
}
