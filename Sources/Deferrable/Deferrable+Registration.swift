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

    /// Adds a registration under its name. A body replaces a push-only registration of the same name and argument
    /// type; a push-only registration of a name already registered changes nothing.
    func register(_ registration: JobRegistration) throws {
        try registry.withLock { registry throws(DeferrableError) in
            if let existing = registry.jobs[registration.name] {
                if existing.runsHere, registration.runsHere { throw .duplicateJobName(registration.name) }
                guard existing.argumentType == registration.argumentType else {
                    throw .invalidOption(
                        job: registration.name, reason: "the name is already registered on this instance with another argument type")
                }
                if !registration.runsHere { return }
            }
            registry.jobs[registration.name] = registration
            registry.namesAnnounced = false
            namesToAnnounce.store(true, ordering: .releasing)
        }
    }

    func registration(named name: String) -> JobRegistration? {
        registry.withLock { $0.jobs[name] }
    }

    /// The registration of `name` when this instance runs it (not a push-only one).
    func runnableRegistration(named name: String) -> JobRegistration? {
        registration(named: name).flatMap { $0.runsHere ? $0 : nil }
    }
}
