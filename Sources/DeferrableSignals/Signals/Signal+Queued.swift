import Deferrable

/// Queued listeners: listeners that run as Deferrable jobs.
extension Signal where Payload: Codable {
    /// Connects a queued listener: sending the signal pushes its payload as a job of `deferrable`, which a
    /// ``Worker`` runs with the job's options (retries, TTL, error queue), after the request that sent it.
    ///
    /// The listener is registered as the job ``queuedJobName(listener:)`` on `deferrable`. Every process that pushes
    /// or runs it connects it the same way: the producer to push, the worker's process to run the body. Its
    /// response is not collected (``collect(_:options:)`` and ``dispatchInOrder(_:errors:)`` skip it); a send
    /// reports its job receipt. Disconnecting stops new pushes; jobs already queued still run, and the job name
    /// stays registered on `deferrable`, so connecting that listener name again on it throws.
    /// - Parameters:
    ///   - listenerName: its name in logs, metrics, reports and its job name.
    ///   - priority: its place among the listeners when the signal is sent (higher first).
    ///   - deferrable: the instance (and so the group) whose queue carries its jobs.
    ///   - options: the job's options.
    ///   - body: the listener, run on a worker with the payload and the job's context.
    /// - Returns: the token that disconnects it.
    /// - Throws: ``DeferrableError/duplicateJobName(_:)`` when the job name is taken on `deferrable`,
    ///   ``DeferrableError/invalidOption(job:reason:)`` for options that cannot work.
    @discardableResult
    public func connectQueued(
        _ listenerName: String, priority: Int = 0, on deferrable: Deferrable, options: JobOptions = JobOptions(),
        _ body: @escaping @Sendable (Payload, JobContext) async throws -> Void
    ) throws -> ListenerToken {
        let handle = try deferrable.register(queuedJobName(listener: listenerName), options: options, body)
        return add(listenerName, priority: priority, mode: .queued, .queued({ payload in try await handle.later(payload) }))
    }

    /// The job name under which the queued listener `listener` of this signal is registered: `signal.<signal
    /// name>.<listener name>`.
    public func queuedJobName(listener: String) -> String {
        "signal.\(name).\(listener)"
    }
}
