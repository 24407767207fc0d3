/// The typed handle of a registered job: `later(_:)` pushes it with arguments of the registered type.
public struct JobHandle<Args: Codable & Sendable>: Sendable {
    let deferrable: Deferrable
    /// The registered job name.
    public let name: String

    /// Pushes the job with `args`; it runs once its delay has passed.
    /// - Returns: the receipt (job id, when it becomes runnable).
    /// - Throws: ``DeferrableError`` for bad input, or the backend's error if the push failed (nothing was pushed then).
    @discardableResult
    public func later(_ args: Args) async throws -> JobReceipt {
        try await deferrable.pushOne(name: name, args: args, options: .none)
    }

    /// Pushes the job with `args` and options of this push (delay or run-at date, attempts, TTL, metadata) over the
    /// registered ones.
    /// - Throws: ``DeferrableError/invalidOption(job:reason:)`` when an option is out of range, both `delay` and
    ///   `runAt` are given, a delay is given for a debounced job, or a metadata key is a provider's namespace.
    @discardableResult
    public func later(_ args: Args, options: PushOptions) async throws -> JobReceipt {
        try await deferrable.pushOne(name: name, args: args, options: options)
    }

    /// Pushes the job as ``later(_:)`` does, handing it to `push` instead of the backend's queue (a backend module's
    /// transactional push uses this).
    package func later(_ args: Args, through push: (OutgoingJob) async throws -> Void) async throws -> JobReceipt {
        try await deferrable.pushOne(name: name, args: args, through: push)
    }

    /// Pushes jobs as ``laterMany(_:)`` does, handing them to `push` instead of the backend's queue.
    package func laterMany(_ args: [Args], through push: ([OutgoingJob]) async throws -> Void) async throws -> [JobReceipt] {
        try await deferrable.pushMany(name: name, args: args, through: push)
    }

    /// The backend the handle's instance pushes to.
    package var backend: any Backend { deferrable.backend }

    /// Pushes one job per element of `args` in one batch (one round trip on Redis).
    @discardableResult
    public func laterMany(_ args: [Args]) async throws -> [JobReceipt] {
        try await laterMany(args, options: .none)
    }

    /// Pushes one job per element of `args` in one batch, each with the options of this push (see
    /// ``later(_:options:)``).
    @discardableResult
    public func laterMany(_ args: [Args], options: PushOptions) async throws -> [JobReceipt] {
        guard !args.isEmpty else { return [] }
        return try await deferrable.push(name: name, args: args, options: options)
    }
}

extension JobHandle where Args == EmptyArguments {
    /// Pushes a job that takes no arguments.
    @discardableResult
    public func later() async throws -> JobReceipt {
        try await later(EmptyArguments())
    }
}

/// The arguments of a job that takes none; encoded as `{}`.
public struct EmptyArguments: Codable, Sendable, Equatable {
    /// Creates empty arguments.
    public init() {}
}
