import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Runs jobs of one or more groups, `concurrency` at a time, until its service group shuts down.
///
/// A `Worker` is a swift-service-lifecycle `Service`: add it to the `ServiceGroup` of a Vapor or Hummingbird
/// application, or run it in a `ServiceGroup` of its own:
///
/// ```swift
/// let emails = try Deferrable(factory: factory, group: "emails")
/// _ = try emails.register("send-welcome") { (userID: Int, context) in … }
/// let worker = Worker(emails, configuration: .init(concurrency: 10))
/// let group = ServiceGroup(services: [worker], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
/// try await group.run()
/// ```
///
/// Behaviour:
/// - **Graceful shutdown** (SIGTERM/SIGINT through the service group, or ``shutdownGracefully()``): the worker
///   stops taking jobs at once (idle waits end), lets running jobs finish for up to
///   ``Configuration/gracePeriod``, then cancels them; a cancelled job is handed back to its queue, runnable at
///   once with its attempt count unchanged. ``run()`` returns when every slot has stopped. If the task running
///   ``run()`` is cancelled, running jobs are cancelled (and handed back) right away.
/// - **Time limits**: ``Configuration/defaultTimeLimit`` applies to jobs that set none; a job over its limit is
///   cancelled and fails with ``TimeLimitExceeded``. Runs slower than ``Configuration/slowJobThreshold`` are
///   logged at `warning`.
/// - **Backend outages**: when the backend fails, each slot pauses with capped, jittered exponential backoff
///   and retries; the outage is logged once at `warning` (then at `debug`) and its end at `notice`. The worker
///   never exits because of a backend error.
/// - **Heartbeats**: every ``Configuration/heartbeatInterval`` the worker writes a ``WorkerHeartbeat`` (host, pid,
///   start time, concurrency, busy slots, groups, the ids of the jobs it runs) to the ``Backend/workers`` directory
///   of each group; it disappears within two intervals after the worker stops beating, and at once on a clean stop.
///   A failing beat is logged once per outage and never stops the worker.
/// - **Metrics**: unless ``Configuration/reportsMetrics`` is off, a ``MetricsObserver`` is added to every
///   instance that has none.
///
/// Job bodies must honour task cancellation (most `async` APIs do) for the grace period and time limits to
/// take effect.
public final class Worker: Service, Sendable {
    /// The instances whose jobs this worker runs.
    public let deferrables: [Deferrable]
    /// The configuration (``Configuration/concurrency`` at least 1, ``Configuration/heartbeatInterval`` within its
    /// range).
    public let configuration: Configuration
    /// Identifies this worker in its heartbeats (``WorkerHeartbeat/id``): unique per `Worker`.
    public let id: String
    private let logger: Logger
    private let running: RunningJobs
    private let heartbeats: WorkerHeartbeats
    private let outages: OutageLog
    private let retryDelay: BackendRetryDelay
    private let state = Mutex(RunState())

    private struct RunState {
        var started = false
        var shutdownRequested = false
        var control: SlotControl?
        var graceTimer: Task<Void, Never>?
    }

    /// Creates a worker over several instances (groups). Slots take jobs from every group in turn.
    /// - Parameters:
    ///   - deferrables: the instances to run jobs of; must not be empty.
    ///   - configuration: concurrency, grace period, time limit, slow-job threshold, backoff.
    ///   - logger: where the worker logs (jobs log through their context's logger).
    /// - Throws: ``DeferrableError/noInstances`` when `deferrables` is empty.
    public convenience init(
        _ deferrables: [Deferrable],
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "deferrable.worker")
    ) throws {
        guard !deferrables.isEmpty else { throw DeferrableError.noInstances }
        self.init(instances: deferrables, configuration: configuration, logger: logger)
    }

    /// Creates a worker over one instance (group).
    public convenience init(
        _ deferrable: Deferrable,
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "deferrable.worker")
    ) {
        self.init(instances: [deferrable], configuration: configuration, logger: logger)
    }

    /// `deferrables` is not empty.
    private init(instances deferrables: [Deferrable], configuration: Configuration, logger: Logger) {
        self.deferrables = deferrables
        var configuration = configuration
        configuration.concurrency = max(1, configuration.concurrency)
        configuration.heartbeatInterval = WorkerHeartbeats.clamped(configuration.heartbeatInterval)
        self.configuration = configuration
        self.id = UUID().uuidString.lowercased()
        self.logger = logger
        self.running = RunningJobs(slots: configuration.concurrency)
        self.heartbeats = WorkerHeartbeats(
            id: id, deferrables: deferrables, concurrency: configuration.concurrency, interval: configuration.heartbeatInterval,
            running: running, logger: logger)
        self.outages = OutageLog(logger: logger)
        self.retryDelay = BackendRetryDelay(
            initial: configuration.backendRetryInitialDelay, maximum: configuration.backendRetryMaxDelay)
        if configuration.reportsMetrics {
            for deferrable in deferrables {
                deferrable.addObserverUnlessPresent(MetricsObserver(clock: deferrable.clock))
            }
        }
    }

    /// Runs jobs until a graceful shutdown completes or the task is cancelled.
    ///
    /// A worker runs once: calling `run()` again, or while it runs, returns at once.
    public func run() async throws {
        let control = SlotControl(slots: configuration.concurrency)
        let proceed = state.withLock { state -> Bool in
            guard !state.started, !state.shutdownRequested else { return false }
            state.started = true
            state.control = control
            return true
        }
        guard proceed else {
            logger.warning("Worker.run() called on a worker that already ran or was shut down; returning")
            return
        }
        let groups = deferrables.map(\.group)
        logger.info(
            "worker started",
            metadata: ["groups": "\(groups.joined(separator: ","))", "concurrency": "\(configuration.concurrency)"])
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                let beating = Task { await self.heartbeats.run() }
                // One long-lived task per slot, kept so that a shutdown can cancel slots one by one (SlotControl).
                let slots = (0..<configuration.concurrency).map { slot in
                    let task = Task { await self.runSlot(slot, control: control) }
                    control.attach(task, to: slot)
                    return task
                }
                for slot in slots { await slot.value }
                beating.cancel()
                await beating.value
            } onGracefulShutdown: {
                self.shutdownGracefully()
            }
        } onCancel: {
            control.stopAll()
        }
        state.withLock { $0.graceTimer }?.cancel()
        // On a task of its own, so that the removal runs even when the task running the worker was cancelled.
        await Task { await self.heartbeats.remove() }.value
        logger.info("worker stopped", metadata: ["groups": "\(groups.joined(separator: ","))"])
    }

    /// Begins a graceful shutdown: stop taking jobs, let running ones finish within the grace period, then
    /// cancel them. ``run()`` returns once all slots stopped. Called by the service group on shutdown; call it
    /// yourself when not running in a `ServiceGroup`. Idempotent.
    public func shutdownGracefully() {
        let control = state.withLock { state -> SlotControl? in
            guard !state.shutdownRequested else { return nil }
            state.shutdownRequested = true
            return state.control
        }
        guard let control else { return }
        let running = control.running.load(ordering: .relaxed)
        logger.info(
            "worker shutting down: no new jobs; waiting for running jobs",
            metadata: ["running": "\(running)", "grace_period": "\(HumanDuration(configuration.gracePeriod))"])
        control.stopIntake()
        let grace = configuration.gracePeriod
        let logger = self.logger
        let timer = Task {
            try? await Task.sleep(for: grace)
            guard !Task.isCancelled else { return }
            let still = control.running.load(ordering: .relaxed)
            if still > 0 {
                logger.warning(
                    "grace period over: cancelling running jobs; they are handed back to their queues",
                    metadata: ["running": "\(still)"])
            }
            control.stopAll()
        }
        state.withLock { $0.graceTimer = timer }
    }

    // MARK: - Slots

    /// One slot: takes a job and runs it, until intake stops. Runs on its own task, which ``SlotControl`` cancels.
    private func runSlot(_ slot: Int, control: SlotControl) async {
        var failures = 0
        var rotation = slot % deferrables.count
        while control.begin(.intake, slot: slot) {
            rotation = (rotation + 1) % deferrables.count
            let home = deferrables[rotation % deferrables.count]
            let taken: (Deferrable, LeasedJob)?
            let takeStart = ContinuousClock.now
            do {
                taken = try await take(startingAt: rotation)
            } catch {
                if control.intakeStopped { break }
                failures += 1
                await pause(
                    after: error, group: (error as? WorkerBackendError)?.group ?? home.group, callStart: takeStart,
                    failures: failures)
                continue
            }
            failures = 0
            guard let (deferrable, leased) = taken else { continue }
            guard control.begin(.job, slot: slot) else {
                // This slot's task was cancelled when intake stopped: the hand-back runs on a task of its own, so
                // that a backend honouring cancellation still takes the job back.
                await Task { await self.handBackUntouched(leased, of: deferrable) }.value
                break
            }
            let runStart = ContinuousClock.now
            do {
                try await runJob(leased, of: deferrable, slot: slot, control: control)
            } catch {
                failures += 1
                guard control.begin(.intake, slot: slot) else { break }
                await pause(after: error, group: deferrable.group, callStart: runStart, failures: failures)
            }
        }
    }

    /// Takes the next job: probes each group without waiting (rotating the starting group), then blocks on one
    /// group for up to the idle wait.
    private func take(startingAt rotation: Int) async throws -> (Deferrable, LeasedJob)? {
        let count = deferrables.count
        if count > 1 {
            for offset in 0..<count {
                let deferrable = deferrables[(rotation + offset) % count]
                if let leased = try await pop(deferrable, waitingUpTo: .zero) { return (deferrable, leased) }
            }
        }
        let home = deferrables[rotation % count]
        if let leased = try await pop(home, waitingUpTo: configuration.idleWait) { return (home, leased) }
        if !Task.isCancelled {
            await home.emit(DeferrableEvent(kind: .empty))
        }
        return nil
    }

    private func pop(_ deferrable: Deferrable, waitingUpTo wait: Duration) async throws -> LeasedJob? {
        do {
            let leased = try await deferrable.backend.queue.pop(lease: deferrable.defaults.lease, waitingUpTo: wait)
            outages.succeeded(group: deferrable.group)
            return leased
        } catch is CancellationError {
            return nil
        } catch {
            if Task.isCancelled { return nil }
            throw WorkerBackendError(group: deferrable.group, underlying: error)
        }
    }

    private func runJob(_ leased: LeasedJob, of deferrable: Deferrable, slot: Int, control: SlotControl) async throws {
        control.running.add(1, ordering: .relaxed)
        running.started(leased.id, slot: slot)
        defer {
            running.finished(slot: slot)
            control.running.subtract(1, ordering: .relaxed)
        }
        let start = ContinuousClock.now
        let outcome = try await deferrable.process(leased, defaultTimeLimit: configuration.defaultTimeLimit)
        let elapsed = start.duration(to: .now)
        outages.succeeded(group: deferrable.group)
        let isSlow = configuration.slowJobThreshold.map { elapsed > $0 } ?? false
        // The metadata costs more than a fast job: build it only when it is logged.
        guard isSlow || logger.logLevel <= .debug else { return }
        var metadata: Logger.Metadata = [
            "group": "\(deferrable.group)", "job.id": "\(outcome.job?.id ?? leased.id)",
            "job.name": "\(outcome.job?.name ?? "?")", "outcome": "\(outcome.label)", "duration": "\(HumanDuration(elapsed))",
        ]
        if isSlow, let threshold = configuration.slowJobThreshold {
            metadata["threshold"] = "\(HumanDuration(threshold))"
            logger.warning("slow job", metadata: metadata)
        } else {
            logger.debug("job ran", metadata: metadata)
        }
    }

    /// Hands back a job popped while shutdown began, before anything ran.
    private func handBackUntouched(_ leased: LeasedJob, of deferrable: Deferrable) async {
        do {
            _ = try await deferrable.backend.queue.settle(
                leased, .requeue(payload: nil, delay: .zero), tally: deferrable.untouchedHandBackTally(leased))
            logger.debug("handed back a job taken as shutdown began", metadata: ["group": "\(deferrable.group)", "job.id": "\(leased.id)"])
        } catch {
            logger.warning(
                "could not hand back a job taken as shutdown began; it runs again when its lease lapses",
                metadata: ["group": "\(deferrable.group)", "job.id": "\(leased.id)", "error": "\(error)"])
        }
    }

    /// Waits before the slot tries again; the slot is in intake, so a shutdown cuts the wait short.
    private func pause(after error: any Error, group: String, callStart: ContinuousClock.Instant, failures: Int) async {
        let delay = retryDelay.delay(afterFailures: failures)
        outages.failed(
            group: group, error: (error as? WorkerBackendError)?.underlying ?? error, retryIn: delay, callStart: callStart)
        try? await Task.sleep(for: delay)
    }
}

/// A backend failure of one group, as seen by a worker slot.
struct WorkerBackendError: Error {
    let group: String
    let underlying: any Error
}

extension Deferrable {
    /// Adds `observer` unless an observer of the same type is already registered.
    func addObserverUnlessPresent<Observer: DeferrableObserver>(_ observer: Observer) {
        registry.withLock { registry in
            guard !registry.observers.contains(where: { $0 is Observer }) else { return }
            registry.observers.append(observer)
        }
    }
}
