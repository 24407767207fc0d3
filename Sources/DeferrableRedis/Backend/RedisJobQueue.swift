import Deferrable
import Foundation
import Synchronization

/// The main queue of a group on Redis. Every step that touches more than one key is one Lua script.
struct RedisJobQueue: JobQueue {
    let client: RedisClient
    let keys: RedisKeys
    let group: String
    let settings: RedisBackendSettings
    let tokens: LeaseTokens
    let groupRegistration: GroupRegistration
    let batching: RedisQueueBatching

    /// Adds the group to the set of known groups (once per backend).
    func registerGroup() async throws {
        try await groupRegistration.registerOnce(client: client, keys: keys, group: group)
    }

    func push(_ job: OutgoingJob) async throws {
        try await registerGroup()
        try await batching.push.submit(job)
    }

    func pushBatch(_ jobs: [OutgoingJob]) async throws {
        guard !jobs.isEmpty else { return }
        try await registerGroup()
        let chunks = stride(from: 0, to: jobs.count, by: settings.pushChunkSize).map {
            jobs[$0..<min($0 + settings.pushChunkSize, jobs.count)]
        }
        if RedisImmediatePush.applies(to: jobs) {
            // Every chunk's transaction in one pipeline: one round trip for the whole batch.
            let replies = try await client.pipeline(chunks.flatMap { RedisImmediatePush.commands($0, keys: keys) })
            for start in stride(from: 0, to: replies.count, by: RedisImmediatePush.commandCount) {
                try RedisImmediatePush.check(replies[start..<start + RedisImmediatePush.commandCount])
            }
            return
        }
        let calls = chunks.map { (keys: keys.pushKeys, args: RedisQueueBatching.pushArguments($0)) }
        for result in try await client.evalScriptPipelined(.push, calls: calls) {
            _ = try result.get()
        }
    }

    func pop(lease: Duration, waitingUpTo wait: Duration) async throws -> LeasedJob? {
        let deadline = ContinuousClock.now + wait
        let leaseMillis = max(1, lease.wholeMilliseconds)
        while true {
            let response = try await batching.lease.submit(.pop(.init(leaseMillis: leaseMillis, token: tokens.next())))
            guard case .popped(let outcome) = response else {
                throw RedisError.protocolError("a pop was answered as a settle")
            }
            let wake: Int64?
            switch outcome {
            case .job(let job): return job
            case .empty(let wakeMillis): wake = wakeMillis
            }
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero, !Task.isCancelled else { return nil }
            var block = min(remaining, settings.maxBlock)
            if let wake {
                block = min(block, .milliseconds(max(wake, 1)))
            }
            let seconds = String(format: "%.3f", max(Double(block.wholeMilliseconds) / 1000, 0.001))
            _ = try await client.sendBlocking(RedisCommand("BLPOP", keys.signal, seconds), blockFor: block)
        }
    }

    func extendLease(_ job: LeasedJob, by lease: Duration) async throws -> Bool {
        let reply = try await client.evalScript(
            .extendLease, keys: [keys.inflight, keys.leases],
            args: [job.id, job.leaseToken, String(max(1, lease.wholeMilliseconds))])
        return reply.int == 1
    }

    func settle(_ job: LeasedJob, _ settlement: Settlement) async throws -> Bool {
        var mode = "complete"
        var payload: [UInt8] = []
        var hasPayload = "0"
        var delay: Int64 = 0
        var record: [UInt8] = []
        switch settlement {
        case .complete:
            break
        case .requeue(let newPayload, let requeueDelay):
            mode = "requeue"
            if let newPayload {
                payload = newPayload
                hasPayload = "1"
            }
            delay = max(0, requeueDelay.wholeMilliseconds)
        case .deadLetter(let deadPayload, let error):
            mode = "dead"
            payload = deadPayload
            hasPayload = "1"
            record = Array(try JSONEncoder().encode(error))
        }
        let arguments: [[UInt8]] = [
            Array(job.id.utf8), Array(job.leaseToken.utf8), Array(mode.utf8), payload, Array(hasPayload.utf8),
            Array(String(delay).utf8), record,
        ]
        guard case .settled(let held) = try await batching.lease.submit(.settle(.init(arguments: arguments))) else {
            throw RedisError.protocolError("a settle was answered as a pop")
        }
        return held
    }

    func postpone(id: String, by delay: Duration) async throws -> Bool {
        let reply = try await client.evalScript(
            .postpone, keys: [keys.delayed, keys.signal], args: [id, String(max(0, delay.wholeMilliseconds))])
        return reply.int == 1
    }

    func flush() async throws {
        _ = try await client.evalScript(.flush, keys: keys.queueKeys)
        var cursor = "0"
        repeat {
            let reply = try await client.send(RedisCommand("SCAN", cursor, "MATCH", keys.debounce("*"), "COUNT", "1000"))
            guard let parts = reply.array, parts.count == 2, let next = parts[0].string else {
                throw RedisError.protocolError("SCAN returned \(reply)")
            }
            let found = (parts[1].array ?? []).compactMap(\.string)
            if !found.isEmpty { _ = try await client.send(RedisCommand(["DEL"] + found)) }
            cursor = next
        } while cursor != "0"
    }

    func stats() async throws -> QueueStats {
        let reply = try await client.evalScript(.stats, keys: [keys.ready, keys.delayed, keys.inflight, keys.errors])
        guard let values = reply.array?.compactMap(\.int), values.count == 4 else {
            throw RedisError.protocolError("stats script returned \(reply)")
        }
        return QueueStats(available: Int(values[0]), inFlight: Int(values[1]), delayed: Int(values[2]), errors: Int(values[3]))
    }
}
