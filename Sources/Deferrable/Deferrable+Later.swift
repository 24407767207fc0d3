import Synchronization
import Foundation

/// The producer side: building envelopes and pushing them.
extension Deferrable {
    func push<Args: Encodable & Sendable>(name: String, args: [Args]) async throws -> [JobReceipt] {
        guard let registration = registration(named: name) else {
            throw DeferrableError.invalidOption(job: name, reason: "the job is not registered on this instance")
        }
        let metadata = await produceMetadata()
        let encoder = JSONEncoder()
        var outgoing: [OutgoingJob] = []
        var receipts: [JobReceipt] = []
        var envelopes: [JobEnvelope] = []
        outgoing.reserveCapacity(args.count)
        for value in args {
            let (envelope, delay) = try makeEnvelope(registration: registration, args: value, metadata: metadata, encoder: encoder)
            let payload = EnvelopeCodec.encode(envelope)
            guard payload.count <= defaults.maxEnvelopeBytes else {
                throw DeferrableError.envelopeTooLarge(job: name, size: payload.count, limit: defaults.maxEnvelopeBytes)
            }
            outgoing.append(OutgoingJob(id: envelope.id, payload: payload, delay: delay))
            envelopes.append(envelope)
            receipts.append(
                JobReceipt(
                    id: envelope.id,
                    name: name,
                    group: group,
                    runnableAt: envelope.notBefore ?? envelope.firstPushedAt,
                    disposition: delay > .zero ? .delayed : .pushedNow
                )
            )
        }
        if outgoing.count == 1 {
            try await backend.queue.push(outgoing[0])
        } else {
            try await backend.queue.pushBatch(outgoing)
        }
        for envelope in envelopes {
            await emit(DeferrableEvent(kind: .push, job: envelope.ref, envelope: envelope))
        }
        return receipts
    }

    private func makeEnvelope<Args: Encodable>(
        registration: JobRegistration,
        args: Args,
        metadata: [String: String],
        encoder: JSONEncoder
    ) throws -> (JobEnvelope, Duration) {
        let name = registration.name
        let options = registration.options
        let argsJSON: [UInt8]
        do {
            argsJSON = Array(try encoder.encode(args))
        } catch {
            throw DeferrableError.argumentsNotEncodable(job: name, reason: String(describing: error))
        }
        let delay = options.delay?.resolve() ?? .zero
        let ttl = options.ttl?.resolve()
        try ResolvedJobOptions.validate(name: name, delay: delay, ttl: ttl)
        let now = clock.nowMillis()
        let delayMillis = delay.wholeMilliseconds
        let envelope = JobEnvelope(
            id: UUID().uuidString.lowercased(),
            name: name,
            group: group,
            argsJSON: argsJSON,
            maxAttempts: options.maxAttempts,
            firstPushedAt: now,
            notBefore: delayMillis > 0 ? now + delayMillis : nil,
            ttlMillis: ttl?.wholeMilliseconds,
            metadata: metadata,
            backoff: options.backoff,
            timeLimitMillis: options.timeLimit?.wholeMilliseconds
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
