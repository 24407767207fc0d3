/// Collectors.
extension Signal {
    /// Sends the signal to its immediate listeners and gathers their responses, each tagged with its listener;
    /// aggregating them is the caller's.
    ///
    /// `options.execution` says where the listeners run: inline, one after another in priority order, or on a
    /// ``ShortTermPool`` (all at once within its bound, answering as they end), or on the pool only above a number
    /// of listeners. The collection ends at its completeness (all, the first N own responses, the first success);
    /// the listeners still running are then cancelled and those not started never start. With a deadline, it ends
    /// at the latest then, with what has arrived, marked partial. A failed listener's declared default stands in for
    /// its response (marked as a default). Queued listeners are not collected: collectors never use the queue.
    /// - Returns: the responses, the failures, the listeners that did not answer, and why it ended.
    /// - Throws: ``InvalidCollectOptions``; ``SignalCollectionFailed`` when a listener failed and `options.errors`
    ///   asks for it; `CancellationError` when the caller is cancelled (the running listeners are cancelled).
    public func collect(_ payload: Payload, options: CollectOptions = CollectOptions()) async throws -> SignalCollection<
        Response
    > {
        if let problem = options.problem() { throw InvalidCollectOptions(reason: problem) }
        let entries = snapshot().compactMap(\.immediate)
        let pool: ShortTermPool? =
            switch options.execution {
            case .inline: nil
            case .pool(let pool): pool
            case .poolAbove(let threshold, let pool): entries.count > threshold ? pool : nil
            }
        var gathering = ResponseGathering(signal: name, entries: entries, options: options)
        if pool == nil, options.deadline == nil {
            for (index, entry) in entries.enumerated() where !gathering.isOver {
                try Task.checkCancellation()
                if let failure = gathering.add(index, await entry.answer(payload)) { record(failure) }
            }
        } else if !gathering.isOver {
            try await gatherConcurrently(payload, from: entries, pool: pool, deadline: options.deadline, into: &gathering)
        }
        let collection = gathering.collection(ranOnPool: pool != nil)
        metrics.countCollection(collection.end)
        if options.errors != .collect, !collection.failures.isEmpty { throw SignalCollectionFailed(collection: collection) }
        return collection
    }

    /// An answer arriving in a collection that runs outside the caller's task.
    private enum CollectEvent: Sendable {
        case answered(Int, Result<Response, any Error>)
        case deadlinePassed
    }

    /// Runs the listeners in a task of their own (on the pool, each in a child task once it holds a slot) and takes
    /// their answers until the gathering is over or the deadline passes; then cancels what still runs and returns
    /// without waiting for it, so a listener that ignores its cancellation cannot hold the caller.
    private func gatherConcurrently(
        _ payload: Payload, from entries: [ImmediateListener<Payload, Response>], pool: ShortTermPool?, deadline: Duration?,
        into gathering: inout ResponseGathering<Payload, Response>
    ) async throws {
        let (events, sink) = AsyncStream<CollectEvent>.makeStream()
        let runner = Task {
            if let pool {
                await runOnPool(payload, from: entries, pool: pool) { sink.yield(.answered($0, $1)) }
            } else {
                for (index, entry) in entries.enumerated() where !Task.isCancelled {
                    sink.yield(.answered(index, await entry.answer(payload)))
                }
            }
        }
        let timer = deadline.map { deadline in
            let due = clock.now() + deadline
            return Task {
                guard (try? await clock.sleepUntil(due)) != nil else { return }
                sink.yield(.deadlinePassed)
            }
        }
        defer {
            runner.cancel()
            timer?.cancel()
            sink.finish()
        }
        for await event in events {
            switch event {
            case .answered(let index, let result):
                if let failure = gathering.add(index, result) { record(failure) }
            case .deadlinePassed:
                gathering.passDeadline()
            }
            if gathering.isOver { break }
        }
        try Task.checkCancellation()
    }

    /// Admits the listeners to `pool` one at a time, in dispatch order, and runs each in a child task once it holds
    /// a slot (never a task for a listener that waits); `deliver` receives every answer, the pool's refusals included.
    private func runOnPool(
        _ payload: Payload, from entries: [ImmediateListener<Payload, Response>], pool: ShortTermPool,
        deliver: @escaping @Sendable (Int, Result<Response, any Error>) -> Void
    ) async {
        let submitted = pool.clock.now()
        let pickupDeadline = submitted + pool.configuration.pickupDeadline
        await withDiscardingTaskGroup { group in
            for (index, entry) in entries.enumerated() {
                guard !Task.isCancelled else { return }
                let admission: PoolAdmission
                do {
                    admission = try await pool.admit(submitted: submitted, deadline: pickupDeadline)
                } catch {
                    deliver(index, .failure(error))
                    continue
                }
                group.addTask {
                    let result: Result<Response, any Error>
                    do {
                        result = .success(try await pool.complete(admission, fallback: nil) { try await entry.body(payload) })
                    } catch {
                        result = .failure(error)
                    }
                    deliver(index, result)
                }
            }
        }
    }
}
