/// Fire and forget, and in-order dispatch.
extension Signal {
    /// Sends the signal: the immediate listeners run in the caller's task, one after another in priority order;
    /// the queued listeners are pushed as jobs in their place in that order.
    ///
    /// A listener's error is logged, counted and reported; what it does to the rest of the delivery is `errors`'
    /// choice (by default nothing: every listener is reached).
    /// - Returns: the report: each listener's response, failure or job receipt.
    /// - Throws: ``SignalDeliveryFailed`` when a listener failed and `errors` asks for it; `CancellationError` when
    ///   the caller is cancelled (the listeners not yet reached are not run).
    @discardableResult
    public func send(_ payload: Payload, errors: SignalErrorPolicy = .collect) async throws -> SignalDelivery<Response> {
        try await deliver(payload, to: snapshot(), errors: errors)
    }

    /// Runs the immediate listeners strictly one after another in priority order, in the caller's task, and never
    /// while another `dispatchInOrder` of this signal runs: dispatches wait for each other in order of arrival.
    ///
    /// For listeners that modify one shared object in turn (a cart, a document, a response being built). Queued
    /// listeners are not part of it: they are reached by ``send(_:errors:)``. `send` and `collect` do not wait for a
    /// dispatch in progress.
    /// - Returns: the report of the immediate listeners.
    /// - Throws: ``SignalDeliveryFailed`` when a listener failed and `errors` asks for it; `CancellationError` when
    ///   the caller is cancelled, while it waits for its turn or while a listener runs; ``ReentrantDispatch`` when
    ///   called from inside a dispatch of this signal (a listener's own task, or a task that inherits its context,
    ///   such as `Task {}`: start that one with `Task.detached` if it should wait for its turn).
    @discardableResult
    public func dispatchInOrder(_ payload: Payload, errors: SignalErrorPolicy = .collect) async throws -> SignalDelivery<
        Response
    > {
        let signal = ObjectIdentifier(self)
        if DispatchContext.signals.contains(signal) { throw ReentrantDispatch(signal: name) }
        try await orderGate.acquire()
        defer { orderGate.release() }
        return try await DispatchContext.$signals.withValue(DispatchContext.signals + [signal]) {
            try await deliver(payload, to: snapshot().filter(\.isImmediate), errors: errors)
        }
    }

    /// Runs or pushes every listener of `entries` in order.
    private func deliver(
        _ payload: Payload, to entries: [ListenerEntry<Payload, Response>], errors: SignalErrorPolicy
    ) async throws -> SignalDelivery<Response> {
        var results: [ListenerResult<Response>] = []
        results.reserveCapacity(entries.count)
        var stopped = false
        for entry in entries {
            if stopped {
                results.append(ListenerResult(listener: entry.listener, outcome: .notRun))
                continue
            }
            try Task.checkCancellation()
            let outcome = await run(entry, payload)
            // A listener that ended because its caller was cancelled did not fail: the caller is told.
            try Task.checkCancellation()
            if case .failed(let failure, _) = outcome {
                record(failure)
                stopped = errors == .stopAtFirstFailure
            }
            results.append(ListenerResult(listener: entry.listener, outcome: outcome))
        }
        let delivery = SignalDelivery(signal: name, results: results)
        if errors != .collect, !delivery.succeeded { throw SignalDeliveryFailed(delivery: delivery) }
        return delivery
    }

    /// Runs an immediate listener or pushes a queued one.
    private func run(_ entry: ListenerEntry<Payload, Response>, _ payload: Payload) async -> ListenerOutcome<Response> {
        switch entry.body {
        case .immediate(let body, let defaultResponse):
            do {
                return .responded(try await body(payload))
            } catch {
                return .failed(ListenerFailure(listener: entry.listener, error: error), defaultResponse: defaultResponse)
            }
        case .queued(let push):
            do {
                let receipt = try await push(payload)
                metrics.countQueued()
                return .queued(receipt)
            } catch {
                return .failed(ListenerFailure(listener: entry.listener, error: error), defaultResponse: nil)
            }
        }
    }
}
