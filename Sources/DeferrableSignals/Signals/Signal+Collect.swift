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
        try Task.checkCancellation()
        let entries = snapshot().compactMap(\.immediate)
        let pool: ShortTermPool? =
            switch options.execution {
            case .inline: nil
            case .pool(let pool): pool
            case .poolAbove(let threshold, let pool): entries.count > threshold ? pool : nil
            }
        var gathering = ResponseGathering(signal: name, entries: entries, options: options)
        let collection: SignalCollection<Response>
        if pool == nil, options.deadline == nil {
            for (index, entry) in entries.enumerated() where !gathering.isOver {
                try Task.checkCancellation()
                let answer = await entry.answer(payload)
                // A listener that ended because its caller was cancelled did not fail: the caller is told.
                try Task.checkCancellation()
                if let failure = gathering.add(index, answer) { record(failure) }
            }
            collection = gathering.collection(ranOnPool: false)
        } else if gathering.isOver {
            collection = gathering.collection(ranOnPool: pool != nil)
        } else {
            let shared = SharedGathering(gathering)
            try await gatherConcurrently(payload, from: entries, pool: pool, deadline: options.deadline, into: shared)
            collection = shared.collection(ranOnPool: pool != nil)
        }
        metrics.countCollection(collection.end)
        if options.errors != .collect, !collection.failures.isEmpty { throw SignalCollectionFailed(collection: collection) }
        return collection
    }

    /// Why a collection that runs outside the caller's task stops being waited for.
    private enum CollectEvent: Sendable {
        case ended
        case deadlinePassed
    }

    /// Runs the listeners in a task of their own (on the pool, each in a child task once it holds a slot), each
    /// answer taken into `gathering` as it arrives, until the gathering is over or the deadline passes; then cancels
    /// what still runs and returns without waiting for it, so a listener that ignores its cancellation cannot hold
    /// the caller.
    private func gatherConcurrently(
        _ payload: Payload, from entries: [ImmediateListener<Payload, Response>], pool: ShortTermPool?, deadline: Duration?,
        into gathering: SharedGathering<Payload, Response>
    ) async throws {
        let (events, sink) = AsyncStream<CollectEvent>.makeStream()
        let take: @Sendable (Int, Result<Response, any Error>) -> Void = { index, result in
            let (failure, isOver) = gathering.add(index, result)
            if let failure { self.record(failure) }
            if isOver { sink.yield(.ended) }
        }
        let runner = Task {
            if let pool {
                await runOnPool(payload, from: entries, pool: pool, gathering: gathering, take: take)
            } else {
                for (index, entry) in entries.enumerated() {
                    guard !Task.isCancelled, !gathering.isOver else { break }
                    take(index, await entry.answer(payload))
                }
            }
            sink.yield(.ended)
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
            if case .deadlinePassed = event { gathering.passDeadline() }
            break
        }
        try Task.checkCancellation()
    }

    /// Admits the listeners to `pool` one at a time, in dispatch order, and runs each in a child task once it holds
    /// a slot (never a task for a listener that waits, and never more children than the pool may run, even when
    /// its overload policy runs items in their callers). A listener admitted after the gathering is over gives its
    /// slot back unstarted; an answer is taken before its slot frees, so the next admission sees the end.
    private func runOnPool(
        _ payload: Payload, from entries: [ImmediateListener<Payload, Response>], pool: ShortTermPool,
        gathering: SharedGathering<Payload, Response>, take: @escaping @Sendable (Int, Result<Response, any Error>) -> Void
    ) async {
        let submitted = pool.clock.now()
        let pickupDeadline = submitted + pool.configuration.pickupDeadline
        let children = pool.configuration.maxConcurrency ?? pool.configuration.concurrency
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for (index, entry) in entries.enumerated() {
                if running >= children, await group.next() != nil { running -= 1 }
                guard !Task.isCancelled, !gathering.isOver else { return }
                let admission: PoolAdmission
                do {
                    admission = try await pool.admit(submitted: submitted, deadline: pickupDeadline)
                } catch {
                    take(index, .failure(error))
                    continue
                }
                group.addTask {
                    guard !gathering.isOver else { return pool.relinquish(admission) }
                    do {
                        _ = try await pool.complete(admission, fallback: nil) {
                            do {
                                take(index, .success(try await entry.body(payload)))
                            } catch {
                                take(index, .failure(error))
                                throw error
                            }
                        }
                    } catch {
                        // The pool's own answer (time limit, expiry, cancellation); ignored if the body answered.
                        take(index, .failure(error))
                    }
                }
                running += 1
            }
        }
    }
}
