import CoreMetrics
import Deferrable
import Logging
import Synchronization

extension ShortTermPool {
    /// Waits in the caller's task until the item holds a slot, expired, was dropped, or meets the overload policy.
    /// - Throws: ``PoolQueueFull`` (rejected), `CancellationError` (the caller was cancelled while waiting).
    func admit(submitted: Duration, deadline: Duration) async throws -> PoolAdmission {
        try Task.checkCancellation()
        // The common case takes the lock once and does not suspend: a free slot, or a deadline already passed.
        let (atOnce, id) = state.withLock { state in
            (state.admitAtOnce(submitted: submitted, deadline: deadline, now: clock.now()), state.makeID())
        }
        if let atOnce { return atOnce }
        let admission = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<PoolAdmission, Never>) in
                let (entered, dropped, watchdog) = state.withLock { state -> (PoolAdmission?, PoolResumption?, UInt64?) in
                    let (entered, dropped) = state.enter(submitted: submitted, deadline: deadline, now: clock.now())
                    if let entered { return (entered, dropped, nil) }
                    // Checked under the lock that the cancellation handler takes too: a cancellation that came
                    // first is seen here, a later one finds the waiter in the queue.
                    if Task.isCancelled { return (.cancelled, dropped, nil) }
                    state.enqueue(PoolWaiter(id: id, submitted: submitted, deadline: deadline, continuation: continuation))
                    return (nil, dropped, state.arm(deadline))
                }
                dropped?.resume()
                if let entered { continuation.resume(returning: entered) }
                if let watchdog { startWatchdog(generation: watchdog, wake: deadline) }
                metrics.queued.record(status().queued)
            }
        } onCancel: {
            let waiter = state.withLock { $0.removeWaiter(id: id) }
            waiter?.continuation.resume(returning: .cancelled)
        }
        if case .rejected = admission {
            metrics.count(.rejected)
            throw PoolQueueFull(pool: name, capacity: configuration.queueCapacity)
        }
        if case .cancelled = admission {
            metrics.count(.cancelled)
            throw CancellationError()
        }
        return admission
    }

    /// Runs an admitted item, or answers one that will not run.
    func complete<T: Sendable>(
        _ admission: PoolAdmission, fallback: (@Sendable (PoolFallbackReason) async throws -> T)?,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        switch admission {
        case .admitted(let waited):
            metrics.wait.recordNanoseconds(waited.wholeNanoseconds)
            return try await execute(waited: waited, holdsSlot: true, fallback: fallback, body)
        case .runInCaller:
            metrics.count(.ranInCaller)
            return try await execute(waited: .zero, holdsSlot: false, fallback: fallback, body)
        case .expired(let waited):
            metrics.count(.expired)
            logger.warning(
                "pool item expired before it was picked up",
                metadata: ["pool": "\(name)", "wait": "\(waited)", "pickup_deadline": "\(configuration.pickupDeadline)"])
            guard let fallback else { throw PoolPickupExpired(pool: name, waited: waited, deadline: configuration.pickupDeadline) }
            return try await fallback(.expired(waited: waited))
        case .dropped(let waited):
            metrics.count(.dropped)
            logger.warning("pool item dropped from a full queue", metadata: ["pool": "\(name)", "wait": "\(waited)"])
            guard let fallback else { throw PoolItemDropped(pool: name, waited: waited) }
            return try await fallback(.dropped(waited: waited))
        case .rejected:
            metrics.count(.rejected)
            throw PoolQueueFull(pool: name, capacity: configuration.queueCapacity)
        case .cancelled:
            metrics.count(.cancelled)
            throw CancellationError()
        }
    }

    /// Gives back an admission whose item will not run (its caller no longer wants it): frees its slot.
    func relinquish(_ admission: PoolAdmission) {
        guard case .admitted(let waited) = admission else { return }
        finished(holdsSlot: true, id: nil, waited: waited, started: clock.now(), failed: nil)
        metrics.count(.cancelled)
    }

    private func execute<T: Sendable>(
        waited: Duration, holdsSlot: Bool, fallback: (@Sendable (PoolFallbackReason) async throws -> T)?,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let started = clock.now()
        if Task.isCancelled {
            // The caller went away between its admission and now: the item does not run.
            finished(holdsSlot: holdsSlot, id: nil, waited: waited, started: started, failed: nil)
            metrics.count(.cancelled)
            throw CancellationError()
        }
        guard let limit = configuration.timeLimit else {
            do {
                let value = try await body()
                finished(holdsSlot: holdsSlot, id: nil, waited: waited, started: started, failed: false)
                return value
            } catch {
                finished(holdsSlot: holdsSlot, id: nil, waited: waited, started: started, failed: true)
                throw error
            }
        }
        let id = state.withLock { $0.makeID() }
        let run = PoolRun<T>()
        // A task of its own, so that the caller can be answered at the time limit even if the body ignores its
        // cancellation; the slot is released only when the body has really ended.
        let task = Task {
            let result: Result<T, any Error>
            do { result = .success(try await body()) } catch { result = .failure(error) }
            let failed: Bool
            if case .failure = result { failed = true } else { failed = false }
            self.finished(holdsSlot: holdsSlot, id: id, waited: waited, started: started, failed: failed)
            run.end(.finished(result))
        }
        let limitState = PoolState.Limit(deadline: started + limit) {
            task.cancel()
            run.end(.timedOut)
        }
        if let watchdog = state.withLock({ $0.watch(id: id, limit: limitState) }) {
            startWatchdog(generation: watchdog, wake: limitState.deadline)
        }
        let end = await withTaskCancellationHandler {
            await run.wait()
        } onCancel: {
            task.cancel()
            run.end(.cancelled)
        }
        switch end {
        case .finished(let result):
            return try result.get()
        case .timedOut:
            metrics.count(.timedOut)
            logger.warning(
                "pool item cancelled at its time limit",
                metadata: ["pool": "\(name)", "wait": "\(waited)", "time_limit": "\(limit)"])
            guard let fallback else { throw TimeLimitExceeded(limit: limit) }
            return try await fallback(.timedOut(limit: limit))
        case .cancelled:
            metrics.count(.cancelled)
            throw CancellationError()
        }
    }

    /// An item's body ended (or it will not run): frees its slot, lets waiters in, records its run.
    private func finished(holdsSlot: Bool, id: UInt64?, waited: Duration, started: Duration, failed: Bool?) {
        let now = clock.now()
        let (resumptions, measured) = state.withLock { state -> ([PoolResumption], PoolState.Measured?) in
            if let id { state.unwatch(id: id) }
            var resumptions = holdsSlot ? state.release(now: now) : []
            let (measured, more) = state.rescale(now: now)
            resumptions += more
            return (resumptions, measured)
        }
        for resumption in resumptions { resumption.resume() }
        if let measured { announce(measured) }
        guard let failed else { return }
        let ran = now - started
        metrics.count(failed ? .failed : .completed)
        metrics.run.recordNanoseconds(ran.wholeNanoseconds)
        if let slow = configuration.slowThreshold, ran > slow {
            metrics.slow.increment()
            logger.warning("slow pool item", metadata: ["pool": "\(name)", "wait": "\(waited)", "run": "\(ran)"])
        }
    }

    private func announce(_ scaled: PoolState.Measured) {
        metrics.risk.record(scaled.risk)
        guard scaled.to != scaled.from else { return }
        metrics.concurrency.record(scaled.to)
        logger.info(
            scaled.to > scaled.from ? "pool concurrency raised: items are at risk of expiring" : "pool concurrency lowered",
            metadata: ["pool": "\(name)", "from": "\(scaled.from)", "to": "\(scaled.to)", "risk": "\(scaled.risk)"])
    }

    /// Starts the task that expires waiting items and cancels running ones at their deadlines. It sleeps until the
    /// earliest deadline, handles whatever is due, and goes on while deadlines remain; a newer watchdog (started
    /// for an earlier deadline) retires it.
    func startWatchdog(generation: UInt64, wake: Duration) {
        Task { [clock] in
            var wake = wake
            while true {
                do { try await clock.sleepUntil(wake) } catch { return }
                let (expired, timedOut, next) = state.withLock { $0.due(generation: generation, now: clock.now()) }
                for resumption in expired { resumption.resume() }
                for action in timedOut { action() }
                guard let next else { return }
                wake = next
            }
        }
    }
}
