import Foundation
import Logging
import Synchronization

/// The producer side: building envelopes and pushing them.
extension Deferrable {
    /// Pushes one job (`later()`): no arrays on the way, as this is the common call.
    func pushOne<Args: Encodable & Sendable>(name: String, args: Args, options: PushOptions) async throws -> JobReceipt {
        let registration = try registration(forPushing: name, options: options)
        let metadata = try merged(await produceMetadata(), options.metadata, job: name)
        let middlewares = self.middlewares
        let job = try prepare(
            registration: registration, args: args, metadata: metadata, keepsValues: backend.queue.keepsEnvelopeValues,
            middlewares: middlewares)
        if let debounce = registration.options.debounce, let debouncer {
            return try await pushing([job], middlewares: middlewares) {
                try await pushDebounced(job, debounce: debounce, debouncer: debouncer, ttl: registration.options.ttl)
            }
        }
        if registration.options.claimsID {
            let pushed = try await pushing([job], middlewares: middlewares) {
                try await pushIfAbsent([job], hold: registration.options.unique?.period)
            }
            return await receipt(for: job, pushed: pushed[0])
        }
        try await pushing([job], middlewares: middlewares) { try await backend.queue.push(job.outgoing) }
        return await published(job)
    }

    /// Pushes a batch (`laterMany()`): all of it or, when one job cannot be encoded, none of it.
    func push<Args: Encodable & Sendable>(name: String, args: [Args], options: PushOptions) async throws -> [JobReceipt] {
        let registration = try registration(forPushing: name, options: options)
        guard options.id == nil || args.count <= 1 else {
            throw DeferrableError.invalidOption(job: name, reason: "a caller-chosen id names one job: push it with later()")
        }
        let metadata = try merged(await produceMetadata(), options.metadata, job: name)
        let middlewares = self.middlewares
        // Every job is encoded before anything is pushed, so a bad argument fails the whole batch with nothing stored.
        let prepared =
            args.count >= Self.parallelPreparationThreshold && Self.preparationSlices > 1
            ? try await prepareInParallel(registration: registration, args: args, metadata: metadata, middlewares: middlewares)
            : try prepareSlice(registration: registration, args: args[...], metadata: metadata, middlewares: middlewares)
        if let debounce = registration.options.debounce, let debouncer {
            var receipts: [JobReceipt] = []
            for job in prepared {
                receipts.append(
                    try await pushing([job], middlewares: middlewares) {
                        try await pushDebounced(job, debounce: debounce, debouncer: debouncer, ttl: registration.options.ttl)
                    })
            }
            return receipts
        }
        if registration.options.claimsID {
            let pushed = try await pushing(prepared, middlewares: middlewares) {
                try await pushIfAbsent(prepared, hold: registration.options.unique?.period)
            }
            var receipts: [JobReceipt] = []
            receipts.reserveCapacity(prepared.count)
            for (job, pushed) in zip(prepared, pushed) { receipts.append(await receipt(for: job, pushed: pushed)) }
            return receipts
        }
        try await pushing(prepared, middlewares: middlewares) {
            if prepared.count == 1 {
                try await backend.queue.push(prepared[0].outgoing)
            } else {
                try await backend.queue.pushBatch(prepared.map(\.outgoing))
            }
        }
        var receipts: [JobReceipt] = []
        receipts.reserveCapacity(prepared.count)
        for job in prepared { receipts.append(await published(job)) }
        return receipts
    }

    /// Pushes one job as `later()` does, but hands the prepared job to `push` (for example a statement inside the
    /// caller's database transaction) instead of to the backend's queue. The push event is emitted once `push`
    /// returned. A debounced job is refused: its decision lives in the debouncer, outside the caller's transaction.
    package func pushOne<Args: Encodable & Sendable>(
        name: String, args: Args, through push: (OutgoingJob) async throws -> Void
    ) async throws -> JobReceipt {
        try await pushMany(name: name, args: [args], through: { try await push($0[0]) })[0]
    }

    /// Pushes a batch as `laterMany()` does, handing the prepared jobs to `push` (see
    /// ``pushOne(name:args:through:)``).
    package func pushMany<Args: Encodable & Sendable>(
        name: String, args: [Args], through push: ([OutgoingJob]) async throws -> Void
    ) async throws -> [JobReceipt] {
        let registration = try registration(forPushing: name)
        guard registration.options.debounce == nil else {
            throw DeferrableError.invalidOption(
                job: name, reason: "a debounced job cannot be pushed inside a transaction: its debouncer decides outside it")
        }
        guard registration.options.unique == nil else {
            throw DeferrableError.invalidOption(
                job: name, reason: "a unique job cannot be pushed inside a transaction: push it with later()")
        }
        let metadata = await produceMetadata()
        let middlewares = self.middlewares
        let prepared = try prepareSlice(registration: registration, args: args[...], metadata: metadata, middlewares: middlewares)
        guard !prepared.isEmpty else { return [] }
        try await pushing(prepared, middlewares: middlewares) { try await push(prepared.map(\.outgoing)) }
        var receipts: [JobReceipt] = []
        receipts.reserveCapacity(prepared.count)
        for job in prepared { receipts.append(await published(job)) }
        return receipts
    }

    /// The registration of `name` with the options of this push applied.
    private func registration(forPushing name: String, options push: PushOptions = .none) throws -> JobRegistration {
        guard var registration = registration(named: name) else {
            throw DeferrableError.invalidOption(job: name, reason: "the job is not registered on this instance")
        }
        if !push.isEmpty { try apply(push, to: &registration) }
        if registration.options.claimsID, !(backend.queue is any IdempotentJobQueue) {
            throw DeferrableError.jobIDsNotSupported(group: group)
        }
        return registration
    }

    /// Applies the options of one push to `registration`, checking them.
    private func apply(_ push: PushOptions, to registration: inout JobRegistration) throws {
        let name = registration.name
        if push.delay != nil || push.runAt != nil {
            guard push.delay == nil || push.runAt == nil else {
                throw DeferrableError.invalidOption(job: name, reason: "give delay or runAt, not both")
            }
            guard registration.options.debounce == nil else {
                throw DeferrableError.invalidOption(job: name, reason: "a debounced job's delay is decided by its debouncer")
            }
            let delay =
                push.delay
                ?? push.runAt.map { Duration.milliseconds(max(0, Self.epochMillis($0).subtractingSaturated(clock.nowMillis()))) }
            registration.options.delay = delay.map { .fixed($0) }
        }
        if let maxAttempts = push.maxAttempts {
            if let problem = OptionBounds.problem(maxAttempts: maxAttempts) {
                throw DeferrableError.invalidOption(job: name, reason: problem)
            }
            registration.options.maxAttempts = maxAttempts
        }
        if let ttl = push.ttl { registration.options.ttl = .fixed(ttl) }
        if let unique = push.unique {
            if let problem = unique.problem { throw DeferrableError.invalidOption(job: name, reason: problem) }
            registration.options.unique = unique
        }
        if let id = push.id {
            try OutgoingJob.validate(id: id)
            guard registration.options.unique == nil else {
                throw DeferrableError.invalidOption(job: name, reason: "give an id or unique, not both (a unique job's id is derived)")
            }
            registration.options.jobID = id
        }
        if registration.options.claimsID, registration.options.debounce != nil {
            throw DeferrableError.invalidOption(job: name, reason: "a debounced job's id is decided by its debouncer")
        }
    }

    /// Pushes `jobs`, each only if its id is free; whether each was pushed.
    private func pushIfAbsent(_ jobs: [PreparedJob], hold: Duration?) async throws -> [Bool] {
        guard let queue = backend.queue as? any IdempotentJobQueue else { throw DeferrableError.jobIDsNotSupported(group: group) }
        return try await queue.pushIfAbsent(jobs.map(\.outgoing), hold: hold)
    }

    /// The receipt of a job an idempotent push stored (``published(_:)``) or found taken.
    private func receipt(for job: PreparedJob, pushed: Bool) async -> JobReceipt {
        guard pushed else { return receipt(for: job.envelope, disposition: .alreadyQueued) }
        return await published(job)
    }

    /// `date` in epoch milliseconds, clamped to `Int64` (a NaN date is the epoch).
    static func epochMillis(_ date: Date) -> Int64 {
        let millis = (date.timeIntervalSince1970 * 1000).rounded(.down)
        guard !millis.isNaN else { return 0 }
        if millis >= 9.2e18 { return .max }
        if millis <= -9.2e18 { return .min }
        return Int64(millis)
    }

    /// The providers' metadata with a push's extra entries; a key in both is refused.
    private func merged(_ provided: [String: String], _ extra: [String: String], job: String) throws -> [String: String] {
        guard !extra.isEmpty else { return provided }
        return try provided.merging(extra) { _, _ in
            throw DeferrableError.invalidOption(job: job, reason: "a metadata key of the push is also a metadata provider's namespace")
        }
    }

    /// Runs `push` and tells `middlewares` how it went for each of `jobs` (evaluated only when there is middleware,
    /// so a push without any builds no array).
    private func pushing<T>(
        _ jobs: @autoclosure () -> [PreparedJob], middlewares: [any JobMiddleware], _ push: () async throws -> T
    ) async throws -> T {
        guard !middlewares.isEmpty else { return try await push() }
        let envelopes = jobs().map(\.envelope)
        do {
            let value = try await push()
            await notifyPushed(envelopes, error: nil, middlewares: middlewares)
            return value
        } catch {
            await notifyPushed(envelopes, error: error, middlewares: middlewares)
            throw error
        }
    }

    /// Reports a job pushed (not debounced) and makes its receipt.
    private func published(_ job: PreparedJob) async -> JobReceipt {
        await emit(DeferrableEvent(kind: .push, job: job.envelope.ref, envelope: job.envelope))
        return receipt(for: job.envelope, disposition: job.outgoing.delay > .zero ? .delayed : .pushedNow)
    }

    /// The receipt of `envelope` itself: its id, and when it asked to become runnable.
    private func receipt(for envelope: JobEnvelope, disposition: JobReceipt.Disposition) -> JobReceipt {
        receipt(for: envelope, id: envelope.id, runnableAt: envelope.notBefore ?? envelope.firstPushedAt, disposition: disposition)
    }

    /// An envelope ready to push.
    struct PreparedJob {
        var envelope: JobEnvelope
        var outgoing: OutgoingJob
    }

    /// Batches at least this large are encoded on several cores at once.
    static let parallelPreparationThreshold = 512
    /// Slices a large batch is encoded in: one per core, up to 4. Read once: `activeProcessorCount` reads cgroup
    /// files on Linux, which cost a single `later()` several times its own work.
    static let preparationSlices = min(4, ProcessInfo.processInfo.activeProcessorCount)

    /// Encodes a large batch in one slice per core (up to 4), concurrently; the first error in batch order is the one
    /// thrown.
    private func prepareInParallel<Args: Encodable & Sendable>(
        registration: JobRegistration, args: [Args], metadata: [String: String], middlewares: [any JobMiddleware]
    ) async throws -> [PreparedJob] {
        let size = (args.count + Self.preparationSlices - 1) / Self.preparationSlices
        let results = await withTaskGroup(of: (Int, Result<[PreparedJob], any Error>).self) { group in
            for (index, start) in stride(from: 0, to: args.count, by: size).enumerated() {
                let slice = args[start..<min(start + size, args.count)]
                group.addTask {
                    (
                        index,
                        Result {
                            try self.prepareSlice(registration: registration, args: slice, metadata: metadata, middlewares: middlewares)
                        }
                    )
                }
            }
            var results: [(Int, Result<[PreparedJob], any Error>)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
        var prepared: [PreparedJob] = []
        prepared.reserveCapacity(args.count)
        for result in results { prepared += try result.get() }
        return prepared
    }

    private func prepareSlice<Args: Encodable>(
        registration: JobRegistration, args: ArraySlice<Args>, metadata: [String: String], middlewares: [any JobMiddleware]
    ) throws -> [PreparedJob] {
        let keepsValues = backend.queue.keepsEnvelopeValues
        var prepared: [PreparedJob] = []
        prepared.reserveCapacity(args.count)
        for value in args {
            prepared.append(
                try prepare(registration: registration, args: value, metadata: metadata, keepsValues: keepsValues, middlewares: middlewares)
            )
        }
        return prepared
    }

    private func receipt(for envelope: JobEnvelope, id: String, runnableAt: Int64, disposition: JobReceipt.Disposition) -> JobReceipt {
        JobReceipt(id: id, name: envelope.name, group: group, runnableAt: runnableAt, disposition: disposition)
    }

    /// Makes a job's envelope and checks its size. With `keepsValues` (the queue keeps envelopes as values) the
    /// envelope is encoded only when its size bound exceeds the limit.
    private func prepare<Args: Encodable>(
        registration: JobRegistration,
        args: Args,
        metadata: [String: String],
        keepsValues: Bool,
        middlewares: [any JobMiddleware]
    ) throws -> PreparedJob {
        var (envelope, delay) = try makeEnvelope(registration: registration, args: args, metadata: metadata)
        for middleware in middlewares { try middleware.willPush(&envelope) }
        if keepsValues, EnvelopeCodec.maximumEncodedSize(envelope) <= defaults.maxEnvelopeBytes {
            return PreparedJob(envelope: envelope, outgoing: OutgoingJob(envelope: envelope, delay: delay))
        }
        let payload = EnvelopeCodec.encode(envelope)
        guard payload.count <= defaults.maxEnvelopeBytes else {
            throw DeferrableError.envelopeTooLarge(job: envelope.name, size: payload.count, limit: defaults.maxEnvelopeBytes)
        }
        return PreparedJob(
            envelope: envelope,
            outgoing: OutgoingJob(id: envelope.id, payload: payload, delay: delay, keepsResult: registration.returnsValue))
    }

    private func pushDebounced(
        _ job: PreparedJob,
        debounce: Debounce,
        debouncer: any Debouncer,
        ttl: DurationSetting?
    ) async throws -> JobReceipt {
        let envelope = job.envelope
        let window = debounce.window.resolve()
        try ResolvedJobOptions.validate(
            name: envelope.name, debounceWindow: window, mode: debounce.mode, ttl: envelope.ttlMillis.map { .milliseconds($0) })
        let request = DebounceRequest(
            key: DebounceKey.make(group: group, name: envelope.name, argsJSON: envelope.argsJSON),
            window: window, mode: debounce.mode, job: job.outgoing)
        let decision: DebounceDecision
        do {
            decision = try await debouncer.submit(request, to: backend)
        } catch {
            let record = ErrorRecord(
                type: "DebounceError", message: String(describing: error), attempts: 0, host: hostName, at: clock.nowMillis())
            logger.error("debouncer failed", metadata: ["job.name": "\(envelope.name)", "error": "\(error)"])
            await emit(DeferrableEvent(kind: .debounceError, job: envelope.ref, envelope: envelope, error: record))
            // Pushing without the debouncer is safe only when its call cannot have pushed this job already.
            guard debounce.onFailure == .failOpen, error is DebouncerUnavailable else {
                throw DeferrableError.debounceFailed(job: envelope.name, reason: String(describing: error))
            }
            try await backend.queue.push(job.outgoing)
            await emit(DeferrableEvent(kind: .push, job: envelope.ref, envelope: envelope))
            return receipt(for: envelope, id: envelope.id, runnableAt: envelope.firstPushedAt, disposition: .pushedNow)
        }
        switch decision {
        case .pushedNow(let id, let at):
            await emit(DeferrableEvent(kind: .debounceMiss, job: envelope.ref, envelope: envelope))
            await emit(DeferrableEvent(kind: .push, job: envelope.ref, envelope: envelope))
            return receipt(for: envelope, id: id, runnableAt: at, disposition: .pushedNow)
        case .pushedDelayed(let id, let runnableAt):
            await emit(DeferrableEvent(kind: .debounceMiss, job: envelope.ref, envelope: envelope))
            await emit(DeferrableEvent(kind: .push, job: envelope.ref, envelope: envelope))
            return receipt(for: envelope, id: id, runnableAt: runnableAt, disposition: .delayed)
        case .joined(let id, let runnableAt):
            await emit(DeferrableEvent(kind: .debounceHit, job: JobRef(id: id, name: envelope.name, group: group), envelope: envelope))
            return receipt(for: envelope, id: id, runnableAt: runnableAt, disposition: .joined)
        case .extended(let id, let runnableAt):
            await emit(DeferrableEvent(kind: .debounceHit, job: JobRef(id: id, name: envelope.name, group: group), envelope: envelope))
            return receipt(for: envelope, id: id, runnableAt: runnableAt, disposition: .extended)
        }
    }

    private func makeEnvelope<Args: Encodable>(
        registration: JobRegistration,
        args: Args,
        metadata: [String: String]
    ) throws -> (JobEnvelope, Duration) {
        let name = registration.name
        let options = registration.options
        let argsJSON: [UInt8]
        do {
            argsJSON = try CanonicalJSONEncoder.encode(args)
        } catch {
            throw DeferrableError.argumentsNotEncodable(job: name, reason: String(describing: error))
        }
        let delay = options.delay?.resolve() ?? .zero
        let ttl = options.ttl?.resolve()
        try ResolvedJobOptions.validate(name: name, delay: delay, ttl: ttl)
        let now = clock.nowMillis()
        let delayMillis = delay.wholeMilliseconds
        let id = options.jobID ?? (options.unique != nil ? Uniqueness.id(group: group, name: name, argsJSON: argsJSON) : JobID.make())
        let envelope = JobEnvelope(
            id: id,
            name: name,
            group: group,
            argsJSON: argsJSON,
            maxAttempts: options.maxAttempts,
            firstPushedAt: now,
            notBefore: delayMillis > 0 ? now.addingSaturated(delayMillis) : nil,
            ttlMillis: ttl?.wholeMilliseconds,
            metadata: metadata,
            backoff: options.backoff,
            timeLimitMillis: options.timeLimit?.wholeMilliseconds,
            resultTTLMillis: registration.returnsValue ? options.resultTTL.wholeMilliseconds : nil
        )
        return (envelope, delayMillis > 0 ? delay : .zero)
    }

    private func produceMetadata() async -> [String: String] {
        let providers = registry.withLock { $0.metadataProviders }
        var metadata: [String: String] = [:]
        for provider in providers {
            if let value = await provider.produceMetadata() {
                metadata[provider.namespace] = value
            }
        }
        return metadata
    }
}

extension JobEnvelope {
    /// A reference to this job for outcomes and events.
    public var ref: JobRef { JobRef(id: id, name: name, group: group) }
}
