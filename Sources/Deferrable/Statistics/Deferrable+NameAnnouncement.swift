import Logging
import Synchronization

/// Telling the task statistics which job names this consumer runs.
extension Deferrable {
    /// How long a consumer waits before it tries again to announce its job names after a failure.
    static let nameAnnouncementRetry = Duration.seconds(60)

    /// Announces the registered job names to the group's task statistics (``TaskStatisticsStore/registerNames(_:)``)
    /// once, and again after a registration; a failure is logged and tried again after ``nameAnnouncementRetry``
    /// (the consumer keeps running: its runs still count, under the names it registered).
    func announceNamesIfNeeded() async {
        guard namesToAnnounce.load(ordering: .acquiring), let store = backend.statistics else { return }
        let now = ContinuousClock.now
        let names = registry.withLock { registry -> Set<String>? in
            guard !registry.namesAnnounced, registry.nextNameAnnouncement.map({ now >= $0 }) ?? true else { return nil }
            // Claimed for this call; a failure below gives the claim back for later.
            registry.namesAnnounced = true
            return Set(registry.jobs.keys)
        }
        guard let names else { return }
        do {
            try await store.registerNames(names)
            registry.withLock { registry in
                registry.nextNameAnnouncement = nil
                // Unless a registration came in meanwhile, nothing is left to announce.
                if registry.namesAnnounced { namesToAnnounce.store(false, ordering: .releasing) }
            }
        } catch {
            let retryAt = ContinuousClock.now.advanced(by: Self.nameAnnouncementRetry)
            let firstFailure = registry.withLock { registry in
                defer {
                    registry.namesAnnounced = false
                    registry.nextNameAnnouncement = retryAt
                }
                return registry.nextNameAnnouncement == nil
            }
            if firstFailure {
                logger.notice(
                    "could not announce the job names to the task statistics; will try again",
                    metadata: ["error": "\(error)", "retry_in": "\(HumanDuration(Self.nameAnnouncementRetry))"])
            }
        }
    }
}
