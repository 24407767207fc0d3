import Deferrable
import Foundation
import Synchronization

/// The main queue of a group on Redis. Every step is atomic: jobs runnable at once go in with one `LPUSH` of inline
/// elements (``RedisImmediatePush``), everything that touches more than one key is a Lua script. Concurrent pushes, pops and
/// settles are coalesced into shared calls (``RedisQueueBatching``).
struct RedisJobQueue: IdempotentJobQueue {
    let client: RedisClient
    let keys: RedisKeys
    let group: String
    let settings: RedisBackendSettings
    let tokens: LeaseTokens
    let groupRegistration: GroupRegistration
    let batching: RedisQueueBatching
    /// Ends idle waits when the next delayed job is due or lease lapses (Redis alone would end them at its next tick).
    let wakeAlarm: RedisWakeAlarm

    /// Adds the group to the set of known groups, in the background and best effort (``GroupRegistration``).
    func registerGroup() {
        groupRegistration.registerInBackground(client: client, keys: keys, group: group)
    }

    func push(_ job: OutgoingJob) async throws {
        try OutgoingJob.validate(id: job.id)
        registerGroup()
        try await batching.push.submit(job)
    }

    func pushBatch(_ jobs: [OutgoingJob]) async throws {
        guard !jobs.isEmpty else { return }
        for job in jobs { try OutgoingJob.validate(id: job.id) }
        registerGroup()
        // Chunks of at most `pushChunkSize` jobs and 16 MiB, so no command nears Redis's query-buffer limit; every
        // chunk goes in one pipeline: one round trip for the whole batch.
        let chunks = BatchLimit(maxCount: settings.pushChunkSize, maxBytes: RedisQueueBatching.maxBatchBytes)
            .split(jobs) { $0.payload.count }
        if RedisImmediatePush.applies(to: jobs) {
            try await RedisImmediatePush.push(chunks, keys: keys, client: client)
            return
        }
        let calls = chunks.map { (keys: keys.pushKeys, args: RedisQueueBatching.pushArguments($0)) }
        for result in try await client.evalScriptPipelined(.push, calls: calls, confirmed: true) {
            _ = try result.get()
        }
    }

    func pushIfAbsent(_ jobs: [OutgoingJob], hold: Duration?) async throws -> [Bool] {
        guard !jobs.isEmpty else { return [] }
        for job in jobs { try OutgoingJob.validate(id: job.id) }
        registerGroup()
        let holdArgument = Array(String(hold.map { max(1, $0.wholeMilliseconds) } ?? 0).utf8)
        let chunks = BatchLimit(maxCount: settings.pushChunkSize, maxBytes: RedisQueueBatching.maxBatchBytes)
            .split(jobs) { $0.payload.count }
        let calls = chunks.map { (keys: keys.pushIfAbsentKeys, args: [holdArgument] + RedisQueueBatching.pushArguments($0)) }
        var pushed: [Bool] = []
        pushed.reserveCapacity(jobs.count)
        for (chunk, result) in zip(chunks, try await client.evalScriptPipelined(.pushIfAbsent, calls: calls, confirmed: true)) {
            let reply = try result.get()
            guard let flags = reply.array?.compactMap(\.int), flags.count == chunk.count else {
                throw RedisError.protocolError("pushIfAbsent script returned \(reply)")
            }
            pushed += flags.map { $0 == 1 }
        }
        return pushed
    }

    /// The longest time Redis takes to end a blocked command whose timeout passed: one tick at its lowest `hz`, 1.
    static let longestTick = Duration.seconds(1)

    func pop(lease: Duration, waitingUpTo wait: Duration) async throws -> LeasedJob? {
        let deadline = ContinuousClock.now + wait
        let leaseMillis = max(1, lease.wholeMilliseconds)
        var outcome = try await coalescedPop(leaseMillis: leaseMillis)
        while true {
            let wake: Int64?
            switch outcome {
            case .job(let job): return job
            case .empty(let wakeMillis): wake = wakeMillis
            }
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero, !Task.isCancelled else { return nil }
            var block = min(remaining, settings.maxBlock)
            var dueAt: ContinuousClock.Instant?
            if let wake {
                // The alarm wakes a waiting consumer when the job is due; the server timeout is only the fallback.
                // Armed also when this wait is to end sooner: Redis ends it at its next tick (at most 1 s later, at
                // `hz 1`), which may come after the due time.
                let untilDue = Duration.milliseconds(max(wake, 1))
                if untilDue <= block + Self.longestTick {
                    dueAt = .now + untilDue
                }
                block = min(block, untilDue)
            }
            outcome = try await wakeAlarm.ringing(at: dueAt) {
                try await waitThenPop(block: block, leaseMillis: leaseMillis)
            }
        }
    }

    /// One pop through the coalescer (shared with concurrent pops and settles).
    private func coalescedPop(leaseMillis: Int64) async throws -> RedisQueueBatching.PopOutcome {
        let sent = ContinuousClock.now
        let response = try await batching.lease.submit(.pop(.init(leaseMillis: leaseMillis, token: tokens.next())))
        guard case .popped(let outcome) = response else {
            throw RedisError.protocolError("a pop was answered as a settle")
        }
        return outcome.leased(at: sent)
    }

    /// Waits in `BRPOPLPUSH` on the ready list for at most `block`, with the pop pipelined behind it on the same
    /// dedicated connection: the wait moves the element that woke it into the inbox (never out of Redis, so a consumer
    /// killed right then loses nothing: every pop takes the inbox first), and Redis runs the pop as soon as the wait
    /// ends, so a woken consumer has its job after a single round trip. If the pop could not run there (`NOSCRIPT`), it goes through the coalescer instead.
    ///
    /// If the reply is lost (the task is cancelled, which closes the connection, or the connection fails), the pop
    /// may have leased a job that nobody will run: its token is released (`releaseTokens`), so the job goes back at
    /// once instead of waiting for its lease to lapse (which would cost an attempt). A release racing the pop it
    /// undoes (Redis not yet aware of the closed connection when the release runs) can miss; the lease then lapses.
    private func waitThenPop(block: Duration, leaseMillis: Int64) async throws -> RedisQueueBatching.PopOutcome {
        let seconds = String(format: "%.3f", max(Double(block.wholeMilliseconds) / 1000, 0.001))
        let token = tokens.next()
        let request = RedisQueueBatching.LeaseRequest.pop(.init(leaseMillis: leaseMillis, token: token))
        let pop = RedisClient.evalSHA(
            .settleAndPop, keys: keys.leaseKeys,
            args: RedisQueueBatching.settleAndPopArguments([request], limits: batching.fixedArguments))
        let replies: [Result<RedisValue, RedisError>]
        do {
            replies = try await client.pipelineBlocking(
                [RedisCommand("BRPOPLPUSH", keys.ready, keys.inbox, seconds), pop], blockFor: block)
        } catch {
            if RedisQueueBatching.mayHaveRun(after: error) {
                // Through a coalescer: at shutdown every idle slot of a worker lands here at once.
                try? await batching.release.submit(token)
            }
            throw error
        }
        // The pop's reply first: even if the wait ended in an error (say `CLIENT UNBLOCK … ERROR`), the pop ran.
        switch replies[1] {
        case .success(let reply):
            guard case .popped(let outcome) = try RedisQueueBatching.settleAndPopResponses(reply, requests: [request]).first
            else { throw RedisError.protocolError("a pop was answered as a settle") }
            // The pop ran when the wait ended, some time before its reply came: the reply's arrival is the closest
            // instant this process knows.
            if case .job = outcome { return outcome.leased(at: .now) }
            _ = try replies[0].get()
            return outcome
        case .failure(let error) where error.serverErrorCode == "NOSCRIPT":
            return try await coalescedPop(leaseMillis: leaseMillis)
        case .failure(let error):
            throw error
        }
    }

    func extendLease(_ job: LeasedJob, by lease: Duration) async throws -> Bool {
        let reply = try await client.evalScript(
            .extendLease, keys: [keys.inflight, keys.leases],
            args: [job.id, job.leaseToken, String(max(1, lease.wholeMilliseconds))])
        return reply.int == 1
    }

    func settle(_ job: LeasedJob, _ settlement: Settlement, tally: TaskTally?) async throws -> Bool {
        let arguments = try Self.settleArguments(job, settlement, tally: tally)
        guard case .settled(let held) = try await batching.lease.submit(.settle(.init(arguments: arguments))) else {
            throw RedisError.protocolError("a settle was answered as a pop")
        }
        return held
    }

    /// How many `settleAndPop` arguments one settlement takes (``settleArguments(_:_:tally:)``).
    static let settleArgumentCount = 13

    /// The 13 `settleAndPop` arguments of one settlement: id, token, mode, payload, has payload, delay ms, error
    /// record, result record, result TTL ms (empty when no result is stored), then the tally's job name (empty: count
    /// nothing), outcome, run-time and queue-wait histogram buckets (``DurationHistogram``; empty when unknown).
    static func settleArguments(_ job: LeasedJob, _ settlement: Settlement, tally: TaskTally?) throws -> [[UInt8]] {
        var mode = "complete"
        var payload: [UInt8] = []
        var hasPayload = "0"
        var delay: Int64 = 0
        var record: [UInt8] = []
        var result: StoredResult?
        switch settlement {
        case .complete(let stored):
            result = stored
        case .requeue(let newPayload, let requeueDelay):
            mode = "requeue"
            if let newPayload {
                payload = newPayload
                hasPayload = "1"
            }
            delay = max(0, requeueDelay.wholeMilliseconds)
        case .deadLetter(let deadPayload, let error, let stored):
            mode = "dead"
            payload = deadPayload
            hasPayload = "1"
            record = Array(try JSONEncoder().encode(error))
            result = stored
        }
        // The TTL is range-checked by `StoredResult`'s makers; clamped again so that `PX` never sees 0 or less.
        let resultTTL = result.map { String(max(1, $0.ttl.wholeMilliseconds)) } ?? ""
        return [
            Array(job.id.utf8), Array(job.leaseToken.utf8), Array(mode.utf8), payload, Array(hasPayload.utf8),
            Array(String(delay).utf8), record, result?.record ?? [], Array(resultTTL.utf8),
            Array((tally?.name ?? "").utf8), Array((tally?.outcome.rawValue ?? "").utf8),
            Self.bucketArgument(tally?.runTime), Self.bucketArgument(tally?.queueWait),
        ]
    }

    private static func bucketArgument(_ duration: Duration?) -> [UInt8] {
        duration.map { Array(String(DurationHistogram.bucket(of: $0)).utf8) } ?? []
    }

    func postpone(id: String, by delay: Duration) async throws -> Bool {
        let reply = try await client.evalScript(
            .postpone, keys: keys.postponeKeys, args: [id, String(max(0, delay.wholeMilliseconds))])
        return reply.int == 1
    }

    /// Deletes the group's jobs, its stored results (through their index, 500 per call) and its debounce state; the
    /// error queue stays.
    func flush() async throws {
        _ = try await client.evalScript(.flush, keys: keys.flushKeys)
        while try await client.evalScript(.flushResults, keys: [keys.results], args: [keys.resultPrefix]).int ?? 0 >= 500 {}
        var cursor = "0"
        repeat {
            let reply = try await client.send(
                RedisCommand("SCAN", cursor, "MATCH", keys.debounce("*"), "COUNT", "1000"), slot: keys.slot)
            guard let parts = reply.array, parts.count == 2, let next = parts[0].string else {
                throw RedisError.protocolError("SCAN returned \(reply)")
            }
            let found = (parts[1].array ?? []).compactMap(\.string)
            if !found.isEmpty { _ = try await client.send(RedisCommand(["DEL"] + found)) }
            cursor = next
        } while cursor != "0"
    }

    func stats() async throws -> QueueStats {
        let reply = try await client.evalScript(
            .stats, keys: [keys.ready, keys.delayed, keys.inflight, keys.errors, keys.inbox, keys.markers])
        guard let values = reply.array?.compactMap(\.int), values.count == 4 else {
            throw RedisError.protocolError("stats script returned \(reply)")
        }
        return QueueStats(available: Int(values[0]), inFlight: Int(values[1]), delayed: Int(values[2]), errors: Int(values[3]))
    }
}
