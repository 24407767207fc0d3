/// The typed handle of a registered job that returns a `Value`: `later(_:)` pushes it and gives its ``JobFuture``.
public struct ResultJobHandle<Args: Codable & Sendable, Value: Codable & Sendable>: Sendable {
    let deferrable: Deferrable
    let store: any ResultStore
    /// The registered job name.
    public let name: String

    /// Pushes the job with `args`; it runs once its delay has passed.
    /// - Parameter options: options of this push over the registered ones (``JobHandle/later(_:options:)``).
    /// - Returns: the job's future (for a debounced call that joined a pending copy: that copy's future).
    /// - Throws: ``DeferrableError`` for bad input, or the backend's error if the push failed (nothing was pushed then).
    @discardableResult
    public func later(_ args: Args, options: PushOptions = PushOptions()) async throws -> JobFuture<Value> {
        future(for: try await deferrable.pushOne(name: name, args: args, options: options))
    }

    /// Pushes one job per element of `args` in one batch; the futures are in the order of `args`.
    /// - Parameter options: options of this push over the registered ones (``JobHandle/later(_:options:)``).
    @discardableResult
    public func laterMany(_ args: [Args], options: PushOptions = PushOptions()) async throws -> [JobFuture<Value>] {
        guard !args.isEmpty else { return [] }
        return try await deferrable.push(name: name, args: args, options: options).map(future(for:))
    }

    /// The future of a job of this handle pushed earlier (in this process or another).
    public func future(for id: String) throws -> JobFuture<Value> {
        try deferrable.future(for: id, as: Value.self)
    }

    private func future(for receipt: JobReceipt) -> JobFuture<Value> {
        JobFuture(id: receipt.id, receipt: receipt, deferrable: deferrable, store: store, errors: .empty)
    }
}

extension ResultJobHandle where Args == EmptyArguments {
    /// Pushes a job that takes no arguments.
    @discardableResult
    public func later() async throws -> JobFuture<Value> {
        try await later(EmptyArguments())
    }
}
