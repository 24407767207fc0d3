import Foundation
import Logging
import Synchronization

/// A job runner bound to one group: register jobs, push them with `later()`, run them with ``runOnce(waitingUpTo:)``.
///
/// ```swift
/// let deferrable = try Deferrable(factory: MemoryBackendFactory(), group: "emails")
/// let welcome = try deferrable.register("send-welcome") { (userID: Int, context) in … }
/// try await welcome.later(42)
/// let outcome = try await deferrable.runOnce()
/// ```
///
/// An instance is `Sendable`; ``runOnce(waitingUpTo:)`` may be called from many tasks at once.
public final class Deferrable: Sendable {
    struct Registry {
        var jobs: [String: JobRegistration] = [:]
        var observers: [any DeferrableObserver] = []
        var metadataProviders: [any MetadataProvider] = []
        var middlewares: [any JobMiddleware] = []
        /// Whether the job names registered now were announced to the task statistics (``announceNamesIfNeeded()``).
        var namesAnnounced = false
        /// No announcement is tried before this instant (set after a failed one).
        var nextNameAnnouncement: ContinuousClock.Instant?
    }

    /// The group's queues.
    public let backend: any Backend
    /// Instance-wide defaults.
    public let defaults: JobDefaults
    /// The clock used for push times and TTL on the producer side.
    public let clock: any DeferrableClock
    /// The debouncer used by jobs with ``JobOptions/debounce``, if any.
    public let debouncer: (any Debouncer)?
    let logger: Logger
    let registry = Mutex(Registry())
    let leaseKeeper: LeaseKeeper
    let hostName: String
    private let observerFailureCount = Atomic<Int>(0)
    /// Whether job names may still need announcing (``announceNamesIfNeeded()``): a lock-free check per `runOnce`.
    let namesToAnnounce = Atomic<Bool>(true)

    /// Creates an instance over a group's backend.
    /// - Parameters:
    ///   - backend: the group's queues.
    ///   - defaults: instance-wide defaults (5 attempts, no retriable errors, exponential backoff, 30 s lease).
    ///   - clock: the wall clock (inject a ``ManualClock`` in tests).
    ///   - debouncer: decides debounced pushes (``MemoryDebouncer`` or `RedisDebouncer`); needed by jobs with
    ///     ``JobOptions/debounce``.
    ///   - logger: where Deferrable logs.
    /// - Throws: ``DeferrableError/invalidDefaults(_:)`` when a value of `defaults` is out of range (see ``JobDefaults``).
    public init(
        backend: any Backend,
        defaults: JobDefaults = JobDefaults(),
        clock: any DeferrableClock = SystemClock(),
        debouncer: (any Debouncer)? = nil,
        logger: Logger = Logger(label: "deferrable")
    ) throws {
        try defaults.validate()
        self.backend = backend
        self.debouncer = debouncer
        self.defaults = defaults
        self.clock = clock
        var logger = logger
        logger[metadataKey: "group"] = "\(backend.group)"
        self.logger = logger
        self.leaseKeeper = LeaseKeeper(queue: backend.queue, lease: defaults.lease, logger: logger)
        self.countsStatistics = defaults.recordsStatistics && backend.statistics != nil
        self.hostName = ProcessInfo.processInfo.hostName
    }

    /// Creates an instance over `group` of `factory`.
    /// - Throws: ``DeferrableError/invalidGroupName(_:reason:)``, or ``DeferrableError/invalidDefaults(_:)`` when a
    ///   value of `defaults` is out of range.
    public convenience init(
        factory: any BackendFactory,
        group: String = GroupName.default,
        defaults: JobDefaults = JobDefaults(),
        clock: any DeferrableClock = SystemClock(),
        debouncer: (any Debouncer)? = nil,
        logger: Logger = Logger(label: "deferrable")
    ) throws {
        try self.init(
            backend: try factory.makeBackend(group: group), defaults: defaults, clock: clock, debouncer: debouncer, logger: logger)
    }

    /// The group name.
    public var group: String { backend.group }

    /// How many times an observer threw while handling an event.
    public var observerFailures: Int { observerFailureCount.load(ordering: .relaxed) }

    /// Adds an observer; observers receive events in registration order.
    public func addObserver(_ observer: any DeferrableObserver) {
        registry.withLock { $0.observers.append(observer) }
    }

    /// Adds a closure observer.
    public func onEvent(_ body: @escaping @Sendable (DeferrableEvent) async throws -> Void) {
        addObserver(ClosureObserver(body))
    }

    /// Removes every observer.
    public func removeAllObservers() {
        registry.withLock { $0.observers.removeAll() }
    }

    /// Adds a metadata provider.
    /// - Throws: ``DeferrableError/duplicateMetadataNamespace(_:)`` if its namespace is taken.
    public func addMetadataProvider(_ provider: any MetadataProvider) throws {
        try registry.withLock { registry throws(DeferrableError) in
            guard !registry.metadataProviders.contains(where: { $0.namespace == provider.namespace }) else {
                throw .duplicateMetadataNamespace(provider.namespace)
            }
            registry.metadataProviders.append(provider)
        }
    }

    /// Removes every metadata provider.
    public func removeAllMetadataProviders() {
        registry.withLock { $0.metadataProviders.removeAll() }
    }

    /// Names of the registered jobs, sorted.
    public var registeredJobNames: [String] {
        registry.withLock { $0.jobs.keys.sorted() }
    }

    /// Whether this instance's settlements count in the group's task statistics.
    let countsStatistics: Bool

    func emit(_ event: DeferrableEvent) async {
        var event = event
        let observers = registry.withLock { registry in
            if let name = event.job?.name, !registry.observers.isEmpty { event.hasUnregisteredName = registry.jobs[name] == nil }
            return registry.observers
        }
        for observer in observers {
            do {
                try await observer.handle(event)
            } catch {
                observerFailureCount.add(1, ordering: .relaxed)
                logger.error(
                    "event observer failed",
                    metadata: ["event": "\(event.kind.rawValue)", "observer": "\(type(of: observer))", "error": "\(error)"]
                )
            }
        }
    }
}
