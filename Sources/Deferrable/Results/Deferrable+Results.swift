/// Jobs that return a value, and their futures.
extension Deferrable {
    /// Registers a job whose body returns a `Value`, stored for the job's futures in the same atomic step that
    /// completes the job.
    ///
    /// - Parameters:
    ///   - name: unique name; it is written into every envelope, so keep it stable across deploys.
    ///   - argumentType: the `Codable` argument type (usually inferred from `body`).
    ///   - returning: the value type.
    ///   - options: job options (``JobOptions/resultTTL``, ``JobOptions/resultErrors``); `nil` fields fall back to
    ///     ``defaults``.
    ///   - body: the job.
    /// - Returns: a handle whose `later(_:)` pushes the job and gives its ``JobFuture``.
    /// - Throws: ``DeferrableError/duplicateJobName(_:)``, ``DeferrableError/invalidOption(job:reason:)``, or
    ///   ``DeferrableError/resultsNotSupported(group:)`` when the backend keeps no results.
    @discardableResult
    public func register<Args: Codable & Sendable, Value: Codable & Sendable>(
        _ name: String,
        argumentType: Args.Type = Args.self,
        returning: Value.Type,
        options: JobOptions = JobOptions(),
        _ body: @escaping @Sendable (Args, JobContext) async throws -> Value
    ) throws -> ResultJobHandle<Args, Value> {
        guard let store = backend.results else { throw DeferrableError.resultsNotSupported(group: group) }
        try register(JobRegistration.make(name: name, options: try resolve(name: name, options: options), returning: body))
        return ResultJobHandle(deferrable: self, store: store, name: name)
    }

    /// Registers a job type whose values are its own arguments and that returns `Job.Value`, under `Job.name` with
    /// `Job.options`.
    @discardableResult
    public func register<Job: DeferrableResultJob>(_ job: Job.Type, options: JobOptions? = nil) throws -> ResultJobHandle<Job, Job.Value> {
        try register(Job.name, argumentType: Job.self, returning: Job.Value.self, options: options ?? Job.options) { job, context in
            try await job.run(context: context)
        }
    }

    /// The future of the job `id` of this group, pushed earlier in this process or another.
    ///
    /// The future re-raises the error types in `errors`, and those that the stored job's name lists in
    /// ``JobOptions/resultErrors`` on this instance.
    /// - Throws: ``DeferrableError/resultsNotSupported(group:)`` when the backend keeps no results, or
    ///   ``DeferrableError/invalidJobID(_:reason:)``.
    public func future<Value: Codable & Sendable>(
        for id: String, as type: Value.Type = Value.self, errors: [any CodableJobError.Type] = []
    ) throws -> JobFuture<Value> {
        try OutgoingJob.validate(id: id)
        guard let store = backend.results else { throw DeferrableError.resultsNotSupported(group: group) }
        return JobFuture(id: id, receipt: nil, deferrable: self, store: store, errors: CodableJobErrorRegistry(errors))
    }

    /// The record a settlement stores for `envelope` reaching `state`, or `nil` when its job keeps no result.
    func storedResult(
        for envelope: JobEnvelope?, _ state: JobResultRecord.State, value: ReturnedValue? = nil, error: ErrorRecord? = nil,
        thrown: (any Error)? = nil, reason: String? = nil
    ) -> StoredResult? {
        guard let envelope, let ttl = envelope.resultTTLMillis else { return nil }
        var record = JobResultRecord(
            id: envelope.id, name: envelope.name, group: envelope.group, state: state, finishedAt: clock.nowMillis(),
            error: error, reason: reason)
        switch value {
        case .json(let json) where json.count > defaults.resultLimit:
            record.notKept = .tooLarge(size: json.count, limit: defaults.resultLimit)
        case .json(let json):
            record.valueJSON = json
        case .notEncodable(let reason):
            record.notKept = .notEncodable(reason: reason)
        case .nothing:
            record.notKept = .noValue
        case nil:
            break
        }
        if let thrown, let registry = registration(named: envelope.name)?.options.resultErrors {
            record.typedError = registry.typedError(for: thrown)
        }
        return StoredResult(record: JobResultRecordCodec.encode(record), ttl: .milliseconds(ttl))
    }
}
