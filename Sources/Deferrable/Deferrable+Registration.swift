import Synchronization

/// Registration of jobs.
extension Deferrable {
    /// Registers a job under `name` with a closure body.
    ///
    /// - Parameters:
    ///   - name: unique name; it is written into every envelope, so keep it stable across deploys.
    ///   - argumentType: the `Codable` argument type (usually inferred from `body`).
    ///   - options: job options; `nil` fields fall back to ``defaults``.
    ///   - body: the job.
    /// - Returns: a handle whose `later(_:)` pushes the job with type-checked arguments.
    /// - Throws: ``DeferrableError/duplicateJobName(_:)`` or ``DeferrableError/invalidOption(job:reason:)``.
    @discardableResult
    public func register<Args: Codable & Sendable>(
        _ name: String,
        argumentType: Args.Type = Args.self,
        options: JobOptions = JobOptions(),
        _ body: @escaping @Sendable (Args, JobContext) async throws -> Void
    ) throws -> JobHandle<Args> {
        try register(JobRegistration.make(name: name, options: try resolve(name: name, options: options), body: body))
        return JobHandle(deferrable: self, name: name)
    }

    /// Registers a job type whose values are its own arguments, under `Job.name` with `Job.options`.
    @discardableResult
    public func register<Job: DeferrableJob>(_ job: Job.Type, options: JobOptions? = nil) throws -> JobHandle<Job> {
        try register(Job.name, argumentType: Job.self, options: options ?? Job.options) { job, context in
            try await job.run(context: context)
        }
    }

    /// Applies the instance defaults to `options` and checks them.
    func resolve(name: String, options: JobOptions) throws -> ResolvedJobOptions {
        guard !name.isEmpty else { throw DeferrableError.invalidOption(job: name, reason: "the job name is empty") }
        let resolved = try ResolvedJobOptions(name: name, options: options, defaults: defaults)
        if resolved.debounce != nil, debouncer == nil {
            throw DeferrableError.invalidOption(
                job: name, reason: "debounce needs a debouncer: pass one to Deferrable(…, debouncer:)")
        }
        return resolved
    }

    /// Adds a registration under its name.
    func register(_ registration: JobRegistration) throws {
        try registry.withLock { registry throws(DeferrableError) in
            guard registry.jobs[registration.name] == nil else { throw .duplicateJobName(registration.name) }
            registry.jobs[registration.name] = registration
            registry.namesAnnounced = false
            namesToAnnounce.store(true, ordering: .releasing)
        }
    }

    func registration(named name: String) -> JobRegistration? {
        registry.withLock { $0.jobs[name] }
    }
}
