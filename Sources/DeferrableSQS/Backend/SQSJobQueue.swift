import Deferrable

/// The main queue of a group on SQS. See the SQS page of the documentation for how each operation maps onto SQS and
/// what SQS cannot do exactly.
struct SQSJobQueue: JobQueue {
    let group: SQSGroup

    private var client: SQSClient { group.client }

    func push(_ job: OutgoingJob) async throws {
        try Self.validate(id: job.id)
        let queue = try await group.mainQueue()
        _ = try await client.send(try message(for: job, limit: queue.maximumMessageBytes), to: queue.url)
    }

    /// Sends in batches of up to 10 messages within the size limit, in order. Every job is checked before anything is
    /// sent; a batch that fails part-way leaves the jobs of the earlier batches pushed.
    func pushBatch(_ jobs: [OutgoingJob]) async throws {
        for job in jobs { try Self.validate(id: job.id) }
        guard !jobs.isEmpty else { return }
        let queue = try await group.mainQueue()
        let messages = try jobs.map { try message(for: $0, limit: queue.maximumMessageBytes) }
        try await SQSBatchSender(client: client, retry: group.settings.retry)
            .send(messages, to: queue.url, sizeLimit: queue.maximumMessageBytes)
    }

    /// The message of a pushed job; it must leave ``SQSJobMessage/settlementHeadroom`` below the limit for its retries.
    private func message(for job: OutgoingJob, limit: Int) throws(SQSBackendError) -> SQSClient.OutgoingMessage {
        try SQSJobMessage.message(
            id: job.id, payload: job.payload, reclaims: 0, delay: job.delay, nowMillis: group.clock.nowMillis(),
            maximumNativeDelaySeconds: group.settings.maximumNativeDelaySeconds,
            limit: limit - SQSJobMessage.settlementHeadroom)
    }

    /// Ids must be valid in every backend, and carriable as an SQS attribute value.
    static func validate(id: String) throws(DeferrableError) {
        try OutgoingJob.validate(id: id)
        guard SQSJobMessage.isCarriable(id: id) else {
            throw .invalidJobID(id, reason: "SQS message attributes cannot carry some of its characters")
        }
    }

    /// Receives one message with the lease as its visibility timeout, long-polling in steps of up to 20 s (in short
    /// polls 100 ms apart for the last second of a wait). A message received before its `deferrable.due` time is sent
    /// again with the remaining delay and not returned.
    func pop(lease: Duration, waitingUpTo wait: Duration) async throws -> LeasedJob? {
        let visibility = try SQSTiming.visibilitySeconds(for: lease)
        let queue = try await group.mainQueue()
        let deadline = ContinuousClock.now + wait
        var asked = false
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            if asked, remaining <= .zero || Task.isCancelled { return nil }
            asked = true
            let leasedAt = ContinuousClock.now
            let waitSeconds = SQSTiming.waitSeconds(for: remaining)
            let received = try await client.receive(
                from: queue.url, limit: 1, visibilitySeconds: visibility, waitSeconds: waitSeconds)
            guard let message = received.first else {
                if waitSeconds == 0, remaining > .zero { try? await Task.sleep(for: min(remaining, SQSTiming.shortPollPause)) }
                continue
            }
            let decoded = SQSJobMessage.decode(message)
            let reclaims = decoded.reclaimsBefore.addingSaturated(message.receiveCount - 1)
            let now = group.clock.nowMillis()
            if let due = decoded.dueMillis, due > now {
                try await sendAgain(decoded, reclaims: reclaims, due: due, now: now, replacing: message, on: queue)
                continue
            }
            return LeasedJob(
                id: decoded.id, payload: decoded.payload, reclaims: reclaims, leaseToken: message.receiptHandle, poppedAt: now,
                leasedAt: leasedAt)
        }
    }

    /// Sends a message received before it is due again with the rest of its delay, then deletes it.
    private func sendAgain(
        _ decoded: SQSJobMessage.Decoded, reclaims: Int, due: Int64, now: Int64, replacing message: SQSClient.ReceivedMessage,
        on queue: SQSQueueDirectory.Queue
    ) async throws {
        let again = try SQSJobMessage.message(
            id: decoded.id, payload: decoded.payload, reclaims: reclaims,
            delay: .milliseconds(due.subtractingSaturated(now)), nowMillis: now,
            maximumNativeDelaySeconds: group.settings.maximumNativeDelaySeconds, limit: queue.maximumMessageBytes)
        _ = try await client.send(again, to: queue.url)
        try await client.deleteIfPresent(message.receiptHandle, in: queue.url)
    }

    func extendLease(_ job: LeasedJob, by lease: Duration) async throws -> Bool {
        let seconds = try SQSTiming.visibilitySeconds(for: lease)
        let queue = try await group.mainQueue()
        do {
            try await client.changeVisibility(of: job.leaseToken, in: queue.url, seconds: seconds)
            return true
        } catch  where SQSClient.isLostLease(error) {
            return false
        }
    }

    func settle(_ job: LeasedJob, _ settlement: Settlement, tally: TaskTally?) async throws -> Bool {
        let queue = try await group.mainQueue()
        let settler = SQSSettler(client: client, memo: group.settlements, job: job, queue: queue)
        switch settlement {
        case .complete:
            return try await settler.delete()
        case .requeue(let payload, let delay):
            let message = try SQSJobMessage.message(
                id: job.id, payload: payload ?? job.payload, reclaims: payload == nil ? job.reclaims : 0, delay: delay,
                nowMillis: group.clock.nowMillis(), maximumNativeDelaySeconds: group.settings.maximumNativeDelaySeconds,
                limit: queue.maximumMessageBytes)
            return try await settler.replace(with: message, on: queue.url)
        case .deadLetter(let payload, let error, _):
            let errors = try await group.errorQueue()
            let message = SQSJobMessage.deadMessage(id: job.id, payload: payload, error: error, limit: errors.maximumMessageBytes)
            return try await settler.replace(with: message, on: errors.url)
        }
    }

    /// SQS cannot change the delay of a sent message: `false`, so debouncing uses its two-step form.
    func postpone(id: String, by delay: Duration) async throws -> Bool {
        false
    }

    /// `PurgeQueue`: SQS removes every message of the main queue, delayed and in flight included, within up to 60 s,
    /// and allows one purge per queue every 60 s.
    func flush() async throws {
        let queue = try await group.mainQueue()
        try await client.purge(queue.url)
        group.settlements.forgetAll()
    }

    /// SQS's approximate counts (`ApproximateNumberOfMessages`, `…NotVisible`, `…Delayed`; errors are the error
    /// queue's visible and in-flight messages).
    func stats() async throws -> QueueStats {
        async let main = client.attributes(
            ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
            of: try await group.mainQueue().url)
        async let errors = SQSErrorQueue(group: group).count()
        let counts = try await main
        func count(_ name: String) -> Int { counts[name].flatMap { Int($0) }.map { max(0, $0) } ?? 0 }
        return QueueStats(
            available: count("ApproximateNumberOfMessages"), inFlight: count("ApproximateNumberOfMessagesNotVisible"),
            delayed: count("ApproximateNumberOfMessagesDelayed"), errors: try await errors)
    }
}
