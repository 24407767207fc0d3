import Logging
import Synchronization

/// The consumer side: taking a job, running it, and settling it.
extension Deferrable {
    /// Takes one runnable job, runs it and settles it, waiting up to `wait` for a job to arrive.
    ///
    /// Every path settles the popped job in one atomic step: completed, retried, sent to the error queue,
    /// dropped as expired, or handed back. A payload that cannot be read goes to the error queue with the
    /// reason; this method does not throw for bad jobs, only when the backend itself fails. A settlement that fails
    /// is repeated with the same lease token until the lease deadline (so a lost reply does not undo a result); if
    /// none succeeds the method throws, and the job runs again once its lease lapses. A run whose lease is lost (an
    /// extension is refused, or the lease deadline passes without a confirmed extension) is cancelled.
    /// - Parameter wait: how long to wait for a job when none is runnable (`.zero` to return at once).
    public func runOnce(waitingUpTo wait: Duration = .seconds(1)) async throws -> RunOutcome {
        await announceNamesIfNeeded()
        guard let leased = try await backend.queue.pop(lease: defaults.lease, waitingUpTo: wait) else {
            await emit(DeferrableEvent(kind: .empty))
            return .empty
        }
        return try await process(leased)
    }

    /// Runs and settles a popped job; `defaultTimeLimit` applies when neither the job nor the instance sets one.
    ///
    /// The job's lease is kept alive from here (observers of `pop` included) until the settlement, and the run is
    /// cancelled if the lease is lost. When the settlement cannot be confirmed (it throws), an `abandon` event closes the
    /// run before the error is rethrown.
    func process(_ leased: LeasedJob, defaultTimeLimit: Duration? = nil) async throws -> RunOutcome {
        let started = ContinuousClock.now
        return try await leaseKeeper.holding(leased) { hold in
            do {
                let middlewares = self.middlewares
                let outcome = try await process(hold, started: started, defaultTimeLimit: defaultTimeLimit, middlewares: middlewares)
                if !middlewares.isEmpty {
                    let envelope = try? self.envelope(of: leased)
                    for middleware in middlewares { await middleware.didSettle(envelope, outcome: outcome) }
                }
                return outcome
            } catch {
                let ref = (try? envelope(of: leased))?.ref ?? JobRef(id: leased.id, name: "?", group: group)
                let record = ErrorRecord(
                    type: String(describing: type(of: error)), message: String(describing: error), attempts: 0, host: hostName,
                    at: clock.nowMillis())
                await emit(DeferrableEvent(kind: .abandon, job: ref, error: record, runDuration: started.duration(to: .now)))
                throw error
            }
        }
    }

    private func process(
        _ hold: LeaseHold, started: ContinuousClock.Instant, defaultTimeLimit: Duration?, middlewares: [any JobMiddleware]
    ) async throws -> RunOutcome {
        let leased = hold.job
        let envelope: JobEnvelope
        do {
            envelope = try self.envelope(of: leased)
        } catch {
            let ref = JobRef(id: leased.id, name: "?", group: group)
            await emit(DeferrableEvent(kind: .pop, job: ref))
            return try await deadLetter(
                started: started, hold, ref: ref, envelope: nil, payload: leased.payload, type: "MalformedEnvelope",
                message: error.description,
                attempts: leased.reclaims.addingSaturated(1), tally: TaskTally(name: TaskStatistics.unknownName, outcome: .failed))
        }
        let ref = envelope.ref
        await emit(DeferrableEvent(kind: .pop, job: ref, envelope: envelope))
        for middleware in middlewares { await middleware.didPop(envelope) }
        let usedAttempts = envelope.attempts.addingSaturated(leased.reclaims)
        let registration = runnableRegistration(named: envelope.name)
        // Counted under its name only when this consumer runs jobs of that name, so a typo cannot create rows.
        let countedName = registration == nil ? TaskStatistics.unknownName : envelope.name
        // Unknown for a job whose lease lapsed: it became runnable again when the lapse was noticed, which the
        // envelope does not say.
        let queueWait =
            leased.reclaims > 0 ? nil : Duration.milliseconds(max(0, leased.poppedAt.subtractingSaturated(envelope.runnableAt)))
        func tally(_ outcome: TaskOutcome, ranSince bodyStart: ContinuousClock.Instant? = nil) -> TaskTally {
            TaskTally(name: countedName, outcome: outcome, runTime: bodyStart?.duration(to: .now), queueWait: queueWait)
        }

        // Attempts first: a job out of attempts is recorded as such even when it is also past its TTL.
        if usedAttempts >= envelope.maxAttempts {
            let message =
                leased.reclaims > 0
                ? "the job's lease lapsed \(leased.reclaims) time(s) (its worker died or stalled) and all \(envelope.maxAttempts) attempts are used"
                : "all \(envelope.maxAttempts) attempts are used"
            return try await deadLetter(
                started: started, hold, ref: ref, envelope: envelope, type: "AttemptsExhausted", message: message, attempts: usedAttempts,
                tally: tally(.failed))
        }
        if envelope.isExpired(at: leased.poppedAt) {
            logger.warning("job expired before it could run", metadata: ["job.id": "\(ref.id)", "job.name": "\(ref.name)"])
            guard try await settle(hold, .complete(result: storedResult(for: envelope, .expired)), tally: tally(.expired)) else {
                return await leaseLost(ref, started: started)
            }
            await emit(DeferrableEvent(kind: .expire, job: ref, envelope: envelope))
            return await completeEvent(started: started, .expired(ref), envelope: envelope)
        }
        guard let registration else {
            return try await deadLetter(
                started: started, hold, ref: ref, envelope: envelope, type: "UnknownJob",
                message: "no job named '\(envelope.name)' is registered on this consumer", attempts: usedAttempts,
                tally: tally(.failed))
        }
        let run: @Sendable (JobContext) async throws -> ReturnedValue?
        do {
            run = try registration.prepare(envelope.argsJSON)
        } catch {
            return try await deadLetter(
                started: started, hold, ref: ref, envelope: envelope, type: "InvalidArguments",
                message: "arguments do not decode for job '\(envelope.name)': \(error)", attempts: usedAttempts,
                tally: tally(.failed))
        }
        let attempt = usedAttempts + 1
        let context = JobContext(
            id: ref.id, name: ref.name, group: group, attempt: attempt, maxAttempts: envelope.maxAttempts,
            firstPushedAt: envelope.firstPushedAt, queuedAt: envelope.runnableAt, metadata: envelope.metadata,
            fence: JobFence(attempt: attempt, leaseToken: leased.leaseToken), baseLogger: logger)
        let timeLimit = envelope.timeLimitMillis.map { Duration.milliseconds($0) } ?? registration.options.timeLimit ?? defaultTimeLimit
        let returned = registration.returnsValue ? ResultSlot() : nil
        let breaker = registration.options.circuitBreaker
        var permit: CircuitPermit?
        if let breaker {
            do {
                permit = try await breaker.acquire()
            } catch {
                return try await waitOnCircuit(
                    error, of: breaker, started: started, hold: hold, envelope: envelope, attempt: attempt, tally: tally(.rescheduled))
            }
        }
        let bodyStart = ContinuousClock.now
        do {
            try await hold.cancellingOnLoss {
                try await self.runWithMetadata(envelope.metadata) {
                    try await withTimeLimit(timeLimit) {
                        try await self.runThrough(middlewares[...], envelope: envelope, context: context) {
                            let value = try await run(context)
                            returned?.store(value)
                        }
                    }
                }
            }
        } catch {
            if let breaker, let permit {
                // A run cut short by a shutdown or a lost lease says nothing about the downstream.
                let counts = !Task.isCancelled && hold.loss == nil && breaker.failures.countsAsFailure(error)
                await breaker.record(permit, outcome: counts ? .failure : .ignored)
            }
            return try await settleFailure(
                error, started: started, hold: hold, envelope: envelope, registration: registration, attempt: attempt,
                tally: { tally($0, ranSince: bodyStart) })
        }
        if let breaker, let permit { await breaker.record(permit, outcome: breaker.outcome(ranFor: bodyStart.duration(to: .now))) }
        // A consumer whose job returns nothing still answers a producer that waits for a value (a rolling deploy).
        let result = storedResult(for: envelope, .completed, value: returned?.value ?? .nothing)
        guard try await settle(hold, .complete(result: result), tally: tally(.succeeded, ranSince: bodyStart)) else {
            return await leaseLost(ref, started: started)
        }
        return await completeEvent(started: started, .completed(ref), envelope: envelope)
    }

    private func settleFailure(
        _ error: any Error,
        started: ContinuousClock.Instant,
        hold: LeaseHold,
        envelope: JobEnvelope,
        registration: JobRegistration,
        attempt: Int,
        tally: (TaskOutcome) -> TaskTally
    ) async throws -> RunOutcome {
        let ref = envelope.ref
        // Cancelled by a shutdown, or because the lease was lost (then the hand-back is refused unless the lease is
        // still held after all).
        if Task.isCancelled || hold.loss != nil, !(error is TimeLimitExceeded) {
            // Runnable again from now: the next run's queue wait starts here.
            let handedBack = requeued(envelope, attempts: envelope.attempts, delay: .zero)
            guard try await settle(hold, .requeue(payload: EnvelopeCodec.encode(handedBack), delay: .zero), tally: tally(.handedBack))
            else {
                return await leaseLost(ref, started: started)
            }
            await emit(
                DeferrableEvent(
                    kind: .handBack, job: ref, envelope: envelope, outcome: .handedBack(ref), runDuration: started.duration(to: .now)))
            return .handedBack(ref)
        }
        if let control = error as? JobControl {
            switch control.action {
            case .failNow(let reason):
                return try await deadLetter(
                    started: started, hold, ref: ref, envelope: envelope, type: "JobControl.failNow", message: reason, attempts: attempt,
                    tally: tally(.failed))
            case .discard(let reason):
                let result = storedResult(for: envelope, .discarded, reason: reason)
                guard try await settle(hold, .complete(result: result), tally: tally(.discarded)) else {
                    return await leaseLost(ref, started: started)
                }
                await emit(DeferrableEvent(kind: .discard, job: ref, envelope: envelope))
                return await completeEvent(started: started, .discarded(ref, reason: reason), envelope: envelope)
            case .reschedule(let delay):
                let next = requeued(envelope, attempts: attempt - 1, delay: delay)
                guard try await settle(hold, .requeue(payload: EnvelopeCodec.encode(next), delay: delay), tally: tally(.rescheduled)) else {
                    return await leaseLost(ref, started: started)
                }
                await emit(DeferrableEvent(kind: .reschedule, job: ref, envelope: next))
                return await completeEvent(started: started, .rescheduled(ref, delay: delay), envelope: next)
            }
        }
        if registration.options.retry.shouldRetry(error), attempt < envelope.maxAttempts {
            let delay = envelope.backoff.delay(forRetry: attempt)
            let next = requeued(envelope, attempts: attempt, delay: delay)
            guard try await settle(hold, .requeue(payload: EnvelopeCodec.encode(next), delay: delay), tally: tally(.retried)) else {
                return await leaseLost(ref, started: started)
            }
            logger.info("job failed, will retry", metadata: ["job.id": "\(ref.id)", "attempt": "\(attempt)", "error": "\(error)"])
            await emit(DeferrableEvent(kind: .retry, job: ref, envelope: next))
            return await completeEvent(started: started, .retried(ref, attempt: attempt, delay: delay), envelope: next)
        }
        return try await deadLetter(
            started: started, hold, ref: ref, envelope: envelope, type: String(describing: type(of: error)),
            message: String(describing: error), attempts: attempt, thrown: error, tally: tally(.failed))
    }

    /// Reschedules a job whose circuit breaker refused the run, without using an attempt: to when the circuit may
    /// admit a call (the break duration while it is held open or its store refuses), plus up to a tenth of that
    /// (at least 100 ms, at most 10 s) of jitter, so waiting jobs do not all come back at once.
    private func waitOnCircuit(
        _ refusal: CircuitOpen, of breaker: CircuitBreaker, started: ContinuousClock.Instant, hold: LeaseHold, envelope: JobEnvelope,
        attempt: Int,
        tally: TaskTally
    ) async throws -> RunOutcome {
        let ref = envelope.ref
        let wait = refusal.retryAfter ?? breaker.policy.breakDuration
        let spread = min(max(wait / 10, .milliseconds(100)), .seconds(10)).wholeMilliseconds
        let delay = min(wait + .milliseconds(Int64.random(in: 0...spread)), EnvelopeBounds.longestDuration)
        let next = requeued(envelope, attempts: attempt - 1, delay: delay)
        guard try await settle(hold, .requeue(payload: EnvelopeCodec.encode(next), delay: delay), tally: tally) else {
            return await leaseLost(ref, started: started)
        }
        await emit(DeferrableEvent(kind: .circuitWait, job: ref, envelope: next))
        return await completeEvent(started: started, .waitedOnCircuit(ref, breaker: refusal.breaker, delay: delay), envelope: next)
    }

    /// The leased job's envelope: kept as a value by the queue (its size was checked at push), or decoded.
    private func envelope(of leased: LeasedJob) throws(EnvelopeError) -> JobEnvelope {
        if let kept = leased.envelope { return kept }
        let envelope = try EnvelopeCodec.decode(leased.payload, maxSize: defaults.maxEnvelopeBytes)
        // A job runs, settles and is reported under one id: an envelope that names another is not that job.
        guard envelope.id == leased.id else { throw .idMismatch(envelope: envelope.id, queued: leased.id) }
        return envelope
    }

    private func requeued(_ envelope: JobEnvelope, attempts: Int, delay: Duration) -> JobEnvelope {
        var next = envelope
        let now = clock.nowMillis()
        next.attempts = attempts
        next.lastPushedAt = now
        next.notBefore = delay > .zero ? now.addingSaturated(delay.wholeMilliseconds) : nil
        return next
    }

    private func deadLetter(
        started: ContinuousClock.Instant,
        _ hold: LeaseHold,
        ref: JobRef,
        envelope: JobEnvelope?,
        payload: [UInt8]? = nil,
        type: String,
        message: String,
        attempts: Int,
        thrown: (any Error)? = nil,
        tally: TaskTally
    ) async throws -> RunOutcome {
        let record = ErrorRecord(type: type, message: message, attempts: attempts, host: hostName, at: clock.nowMillis())
        var stored = envelope
        stored?.attempts = attempts
        stored?.lastPushedAt = record.at
        let bytes = payload ?? stored.map(EnvelopeCodec.encode) ?? hold.job.payload
        let result = storedResult(for: stored, .failed, error: record, thrown: thrown)
        guard try await settle(hold, .deadLetter(payload: bytes, error: record, result: result), tally: tally) else {
            return await leaseLost(ref, started: started)
        }
        logger.error(
            "job sent to the error queue", metadata: ["job.id": "\(ref.id)", "job.name": "\(ref.name)", "reason": "\(type): \(message)"])
        let outcome = RunOutcome.failed(ref, reason: "\(type): \(message)")
        await emit(DeferrableEvent(kind: .error, job: ref, envelope: stored, outcome: outcome, error: record))
        return await completeEvent(started: started, outcome, envelope: stored)
    }

    /// Emits the `complete` event that closes a run begun at `started`.
    private func completeEvent(started: ContinuousClock.Instant, _ outcome: RunOutcome, envelope: JobEnvelope?) async -> RunOutcome {
        await emit(
            DeferrableEvent(
                kind: .complete, job: outcome.job, envelope: envelope, outcome: outcome, runDuration: started.duration(to: .now)))
        return outcome
    }

    /// Closes a run whose settlement was refused with an `abandon` event.
    private func leaseLost(_ ref: JobRef, started: ContinuousClock.Instant) async -> RunOutcome {
        logger.warning("lease lost: another consumer took the job over; this run's result is dropped", metadata: ["job.id": "\(ref.id)"])
        let outcome = RunOutcome.leaseLost(ref)
        await emit(DeferrableEvent(kind: .abandon, job: ref, outcome: outcome, runDuration: started.duration(to: .now)))
        return outcome
    }

    private func runWithMetadata(_ metadata: [String: String], _ body: @escaping @Sendable () async throws -> Void) async throws {
        let providers = registry.withLock { $0.metadataProviders }
        try await Self.wrap(providers[...], metadata: metadata, body)
    }

    private static func wrap(
        _ providers: ArraySlice<any MetadataProvider>,
        metadata: [String: String],
        _ body: @escaping @Sendable () async throws -> Void
    ) async throws {
        guard let first = providers.first else {
            try await body()
            return
        }
        try await first.withConsumedMetadata(metadata[first.namespace]) {
            try await wrap(providers.dropFirst(), metadata: metadata, body)
        }
    }
}
