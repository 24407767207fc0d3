import Logging
import Synchronization

/// The consumer side: taking a job, running it, and settling it.
extension Deferrable {
    /// Takes one runnable job, runs it and settles it, waiting up to `wait` for a job to arrive.
    ///
    /// Every path settles the popped job in one atomic step: completed, retried, sent to the error queue,
    /// dropped as expired, or handed back. A payload that cannot be read goes to the error queue with the
    /// reason; this method does not throw for bad jobs, only when the backend itself fails (then the job's
    /// lease lapses and the job runs again later).
    /// - Parameter wait: how long to wait for a job when none is runnable (`.zero` to return at once).
    public func runOnce(waitingUpTo wait: Duration = .seconds(1)) async throws -> RunOutcome {
        guard let leased = try await backend.queue.pop(lease: defaults.lease, waitingUpTo: wait) else {
            await emit(DeferrableEvent(kind: .empty))
            return .empty
        }
        return try await process(leased)
    }

    /// Runs and settles a popped job; `defaultTimeLimit` applies when neither the job nor the instance sets one.
    func process(_ leased: LeasedJob, defaultTimeLimit: Duration? = nil) async throws -> RunOutcome {
        let started = ContinuousClock.now
        let envelope: JobEnvelope
        do {
            envelope = try self.envelope(of: leased)
        } catch {
            let ref = JobRef(id: leased.id, name: "?", group: group)
            await emit(DeferrableEvent(kind: .pop, job: ref))
            return try await deadLetter(
                started: started, leased, ref: ref, envelope: nil, payload: leased.payload, type: "MalformedEnvelope",
                message: error.description,
                attempts: leased.reclaims + 1)
        }
        let ref = envelope.ref
        await emit(DeferrableEvent(kind: .pop, job: ref, envelope: envelope))
        let usedAttempts = envelope.attempts + leased.reclaims

        if envelope.isExpired(at: leased.poppedAt) {
            logger.warning("job expired before it could run", metadata: ["job.id": "\(ref.id)", "job.name": "\(ref.name)"])
            guard try await backend.queue.settle(leased, .complete) else { return leaseLost(ref) }
            await emit(DeferrableEvent(kind: .expire, job: ref, envelope: envelope))
            return await completeEvent(started: started, .expired(ref), envelope: envelope)
        }
        if usedAttempts >= envelope.maxAttempts {
            let message =
                leased.reclaims > 0
                ? "the job's lease lapsed \(leased.reclaims) time(s) (its worker died or stalled) and all \(envelope.maxAttempts) attempts are used"
                : "all \(envelope.maxAttempts) attempts are used"
            return try await deadLetter(
                started: started, leased, ref: ref, envelope: envelope, type: "AttemptsExhausted", message: message, attempts: usedAttempts)
        }
        guard let registration = registration(named: envelope.name) else {
            return try await deadLetter(
                started: started, leased, ref: ref, envelope: envelope, type: "UnknownJob",
                message: "no job named '\(envelope.name)' is registered on this consumer", attempts: usedAttempts)
        }
        let run: @Sendable (JobContext) async throws -> Void
        do {
            run = try registration.prepare(envelope.argsJSON)
        } catch {
            return try await deadLetter(
                started: started, leased, ref: ref, envelope: envelope, type: "InvalidArguments",
                message: "arguments do not decode for job '\(envelope.name)': \(error)", attempts: usedAttempts)
        }
        let attempt = usedAttempts + 1
        let context = JobContext(
            id: ref.id, name: ref.name, group: group, attempt: attempt, maxAttempts: envelope.maxAttempts,
            firstPushedAt: envelope.firstPushedAt, metadata: envelope.metadata, baseLogger: logger)
        let timeLimit = envelope.timeLimitMillis.map { Duration.milliseconds($0) } ?? registration.options.timeLimit ?? defaultTimeLimit
        do {
            try await leaseKeeper.holding(leased) {
                try await runWithMetadata(envelope.metadata) {
                    try await withTimeLimit(timeLimit) { try await run(context) }
                }
            }
        } catch {
            return try await settleFailure(
                error, started: started, leased: leased, envelope: envelope, registration: registration, attempt: attempt)
        }
        guard try await backend.queue.settle(leased, .complete) else { return leaseLost(ref) }
        return await completeEvent(started: started, .completed(ref), envelope: envelope)
    }

    private func settleFailure(
        _ error: any Error,
        started: ContinuousClock.Instant,
        leased: LeasedJob,
        envelope: JobEnvelope,
        registration: JobRegistration,
        attempt: Int
    ) async throws -> RunOutcome {
        let ref = envelope.ref
        if Task.isCancelled, !(error is TimeLimitExceeded) {
            guard try await backend.queue.settle(leased, .requeue(payload: nil, delay: .zero)) else { return leaseLost(ref) }
            await emit(
                DeferrableEvent(
                    kind: .handBack, job: ref, envelope: envelope, outcome: .handedBack(ref), runDuration: started.duration(to: .now)))
            return .handedBack(ref)
        }
        if let control = error as? JobControl {
            switch control.action {
            case .failNow(let reason):
                return try await deadLetter(
                    started: started, leased, ref: ref, envelope: envelope, type: "JobControl.failNow", message: reason, attempts: attempt)
            case .discard(let reason):
                guard try await backend.queue.settle(leased, .complete) else { return leaseLost(ref) }
                await emit(DeferrableEvent(kind: .discard, job: ref, envelope: envelope))
                return await completeEvent(started: started, .discarded(ref, reason: reason), envelope: envelope)
            case .reschedule(let delay):
                let next = requeued(envelope, attempts: attempt - 1, delay: delay)
                guard try await backend.queue.settle(leased, .requeue(payload: EnvelopeCodec.encode(next), delay: delay)) else {
                    return leaseLost(ref)
                }
                await emit(DeferrableEvent(kind: .reschedule, job: ref, envelope: next))
                return await completeEvent(started: started, .rescheduled(ref, delay: delay), envelope: next)
            }
        }
        if registration.options.retry.shouldRetry(error), attempt < envelope.maxAttempts {
            let delay = envelope.backoff.delay(forRetry: attempt)
            let next = requeued(envelope, attempts: attempt, delay: delay)
            guard try await backend.queue.settle(leased, .requeue(payload: EnvelopeCodec.encode(next), delay: delay)) else {
                return leaseLost(ref)
            }
            logger.info("job failed, will retry", metadata: ["job.id": "\(ref.id)", "attempt": "\(attempt)", "error": "\(error)"])
            await emit(DeferrableEvent(kind: .retry, job: ref, envelope: next))
            return await completeEvent(started: started, .retried(ref, attempt: attempt, delay: delay), envelope: next)
        }
        return try await deadLetter(
            started: started, leased, ref: ref, envelope: envelope, type: String(describing: type(of: error)),
            message: String(describing: error), attempts: attempt)
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
        next.notBefore = delay > .zero ? now + delay.wholeMilliseconds : nil
        return next
    }

    private func deadLetter(
        started: ContinuousClock.Instant,
        _ leased: LeasedJob,
        ref: JobRef,
        envelope: JobEnvelope?,
        payload: [UInt8]? = nil,
        type: String,
        message: String,
        attempts: Int
    ) async throws -> RunOutcome {
        let record = ErrorRecord(type: type, message: message, attempts: attempts, host: hostName, at: clock.nowMillis())
        var stored = envelope
        stored?.attempts = attempts
        stored?.lastPushedAt = record.at
        let bytes = payload ?? stored.map(EnvelopeCodec.encode) ?? leased.payload
        guard try await backend.queue.settle(leased, .deadLetter(payload: bytes, error: record)) else { return leaseLost(ref) }
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

    private func leaseLost(_ ref: JobRef) -> RunOutcome {
        logger.warning("lease lost: another consumer took the job over; this run's result is dropped", metadata: ["job.id": "\(ref.id)"])
        return .leaseLost(ref)
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
