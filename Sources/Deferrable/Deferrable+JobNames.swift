/// Jobs declared by ``JobName``: pushed by producers that have no body, run by consumers that register one.
extension Deferrable {
    /// Registers the body of `job` on this instance, with the job's options.
    /// - Throws: ``DeferrableError/duplicateJobName(_:)`` when a body is already registered under the name, or
    ///   ``DeferrableError/invalidOption(job:reason:)``.
    @discardableResult
    public func register<Args: Codable & Sendable>(
        _ job: JobName<Args>, _ body: @escaping @Sendable (Args, JobContext) async throws -> Void
    ) throws -> JobHandle<Args> {
        try register(job.name, argumentType: Args.self, options: job.options, body)
    }

    /// A handle that pushes `job` from this instance without a body here. A consumer of this instance treats the job
    /// as not registered (it goes to the error queue as `UnknownJob`), unless a body is registered later, which then
    /// takes over. When the name is already registered, its handle is returned and its options stay.
    /// - Throws: ``DeferrableError/invalidOption(job:reason:)`` for invalid options, or when the name is registered
    ///   with another argument type.
    public func producer<Args: Codable & Sendable>(for job: JobName<Args>) throws -> JobHandle<Args> {
        if registration(named: job.name)?.argumentType != ObjectIdentifier(Args.self) {
            try register(
                JobRegistration.pushOnly(
                    name: job.name, options: try resolve(name: job.name, options: job.options), argumentType: Args.self))
        }
        return JobHandle(deferrable: self, name: job.name)
    }

    /// Pushes `job` with `args` (see ``producer(for:)``).
    @discardableResult
    public func later<Args: Codable & Sendable>(
        _ job: JobName<Args>, _ args: Args, options: PushOptions = PushOptions()
    ) async throws -> JobReceipt {
        try await producer(for: job).later(args, options: options)
    }
}
