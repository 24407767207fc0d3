import Deferrable
import Foundation

/// The request coalescers of one group's queue: concurrent pushes share one `LPUSH`; concurrent pops and
/// settles share one script call (settlements first, then pops: a consumer settles a job and asks for the next at
/// about the same time).
///
/// A lone call still goes out at once on its own; under concurrency (many producers, a `Worker` with many slots)
/// the calls that arrive while ``maxInFlight`` batches are in flight go out together in the next one. This divides
/// Redis's fixed cost per call (and the client's cost per round trip: a write, a wake-up) by the batch size.
final class RedisQueueBatching: Sendable {
    /// What one pop asks for.
    struct PopRequest: Sendable {
        let leaseMillis: Int64
        let token: String
    }

    /// What one pop got.
    enum PopOutcome: Sendable {
        case job(LeasedJob)
        /// Nothing runnable; `wakeMillis` is when the next delayed job is due or lease lapses (nil if none).
        case empty(wakeMillis: Int64?)

        /// This outcome, with a taken job's ``LeasedJob/leasedAt`` set to `instant`.
        func leased(at instant: ContinuousClock.Instant) -> PopOutcome {
            guard case .job(var job) = self else { return self }
            job.leasedAt = instant
            return .job(job)
        }
    }

    /// What one settle asks for: the 13 script arguments of one settlement (``RedisJobQueue/settleArguments(_:_:tally:)``).
    struct SettleRequest: Sendable {
        let arguments: [[UInt8]]
    }

    /// One call of the lease coalescer.
    enum LeaseRequest: Sendable {
        case pop(PopRequest)
        case settle(SettleRequest)
    }

    /// The answer to one ``LeaseRequest``, of the same kind.
    enum LeaseResponse: Sendable {
        case popped(PopOutcome)
        case settled(Bool)
    }

    /// Most pops plus settles per coalesced script call.
    static let maxBatch = 256
    /// Most request bytes per coalesced call (payloads and settlement arguments), far below Redis's 1 GiB query
    /// buffer limit even with large envelopes; a single larger call still goes out alone.
    static let maxBatchBytes = 16 << 20
    /// Batches in flight at once per kind.
    static let maxInFlight = 4

    /// The first arguments of the `settleAndPop` script, rendered once: the error-queue bounds, the result key prefix
    /// and channel, the statistics key, and whether results are published without asking for subscribers (on a
    /// cluster).
    let fixedArguments: [[UInt8]]
    let push: RequestCoalescer<OutgoingJob, Void>
    let lease: RequestCoalescer<LeaseRequest, LeaseResponse>
    /// Gives back the leases of pops whose replies were lost (see ``releaseLost(tokens:client:keys:)``).
    let release: RequestCoalescer<String, Void>

    init(client: RedisClient, keys: RedisKeys, settings: RedisBackendSettings) {
        let pushKeys = keys.pushKeys
        let sendPushes: RequestCoalescer<OutgoingJob, Void>.Send = { jobs in
            if RedisImmediatePush.applies(to: jobs) {
                try await RedisImmediatePush.push([jobs[...]], keys: keys, client: client)
            } else {
                _ = try await client.evalScript(
                    .push, keys: pushKeys, binaryArgs: Self.pushArguments(jobs), confirmed: true)
            }
            return Array(repeating: (), count: jobs.count)
        }
        push = RequestCoalescer(
            maxBatch: settings.pushChunkSize, maxBytes: Self.maxBatchBytes, size: { $0.payload.count },
            maxInFlight: Self.maxInFlight, send: sendPushes)
        let limits = [
            Array(String(settings.errorQueueLimits.maxEntries).utf8),
            Array(String(settings.errorQueueLimits.maxAge.wholeMilliseconds).utf8),
            Array(keys.resultPrefix.utf8), Array(keys.resultChannel.utf8), Array(keys.statistics.utf8),
            Array((client.configuration.endpoint.isCluster ? "1" : "0").utf8),
        ]
        fixedArguments = limits
        lease = RequestCoalescer(
            maxBatch: Self.maxBatch, maxBytes: Self.maxBatchBytes, size: Self.size, maxInFlight: Self.maxInFlight,
            send: { requests in try await Self.settleAndPop(requests, client: client, keys: keys, limits: limits) })
        release = RequestCoalescer(
            maxBatch: Self.maxBatch, maxInFlight: 1,
            send: { tokens in
                await Self.releaseLost(tokens: tokens, client: client, keys: keys)
                return Array(repeating: (), count: tokens.count)
            })
    }

    /// The size of a lease request in bytes (settlements carry payloads and error records).
    @Sendable private static func size(_ request: LeaseRequest) -> Int {
        switch request {
        case .pop: 64
        case .settle(let settle): settle.arguments.reduce(0) { $0 + $1.count }
        }
    }

    /// Sends one batch of pops and settles as one `settleAndPop` script call; answers in request order.
    ///
    /// If the reply is lost after the call may have run, the leases its pops may have taken are given back before
    /// the error reaches the callers, so no job waits for a lease to lapse (which would cost it an attempt).
    private static func settleAndPop(
        _ requests: [LeaseRequest], client: RedisClient, keys: RedisKeys, limits: [[UInt8]]
    ) async throws -> [LeaseResponse] {
        let reply: RedisValue
        do {
            // A batch with a settlement waits for the replica confirmation (if configured); pops alone need none: a
            // lease lost in a failover only gives the job back.
            let settles = requests.contains { if case .settle = $0 { true } else { false } }
            reply = try await client.evalScript(
                .settleAndPop, keys: keys.leaseKeys, binaryArgs: settleAndPopArguments(requests, limits: limits),
                confirmed: settles)
        } catch let error as RedisError where mayHaveRun(after: error) {
            let tokens = requests.compactMap { request -> String? in
                if case .pop(let pop) = request { return pop.token }
                return nil
            }
            await releaseLost(tokens: tokens, client: client, keys: keys)
            throw error
        }
        return try settleAndPopResponses(reply, requests: requests)
    }

    /// Whether a call that failed with `error` may still have run in Redis (its reply was lost, not refused).
    static func mayHaveRun(after error: any Error) -> Bool {
        switch error {
        case RedisError.cannotConnect, RedisError.clientClosed, RedisError.server, RedisError.tlsFailed,
            RedisError.invalidTLSConfiguration:
            false
        default: true
        }
    }

    /// Gives back, best effort, the jobs leased under `tokens` whose pop replies were lost: back to the head of the
    /// ready list, no attempt used. If Redis cannot be reached the leases lapse as usual.
    static func releaseLost(tokens: [String], client: RedisClient, keys: RedisKeys) async {
        guard !tokens.isEmpty else { return }
        _ = try? await client.evalScript(
            .releaseTokens, keys: [keys.leases, keys.inflight, keys.ready, keys.inbox], args: tokens)
    }

    /// The `settleAndPop` script's arguments for `requests`.
    static func settleAndPopArguments(_ requests: [LeaseRequest], limits: [[UInt8]]) -> [[UInt8]] {
        var settles: [[UInt8]] = []
        var pops: [PopRequest] = []
        for request in requests {
            switch request {
            case .settle(let settle): settles.append(contentsOf: settle.arguments)
            case .pop(let pop): pops.append(pop)
            }
        }
        var arguments = limits
        arguments.reserveCapacity(limits.count + 1 + settles.count + pops.count * 2)
        arguments.append(Array(String(settles.count / RedisJobQueue.settleArgumentCount).utf8))
        arguments.append(contentsOf: settles)
        for pop in pops {
            arguments.append(Array(String(pop.leaseMillis).utf8))
            arguments.append(Array(pop.token.utf8))
        }
        return arguments
    }

    /// Splits the `settleAndPop` script's reply `{settled, popped}` into one answer per request, in order.
    static func settleAndPopResponses(_ reply: RedisValue, requests: [LeaseRequest]) throws -> [LeaseResponse] {
        let pops = requests.compactMap { request -> PopRequest? in
            if case .pop(let pop) = request { return pop }
            return nil
        }
        guard let parts = reply.array, parts.count == 2, let settled = parts[0].array,
            settled.count == requests.count - pops.count
        else {
            throw RedisError.protocolError("settleAndPop script returned \(reply) for \(requests.count) requests")
        }
        var popOutcomes = try popOutcomes(parts[1], requests: pops).makeIterator()
        var settleResults = settled.makeIterator()
        return try requests.map { request in
            switch request {
            case .settle:
                guard let result = settleResults.next() else { throw RedisError.protocolError("missing settle result") }
                return .settled(result.int == 1)
            case .pop:
                guard let outcome = popOutcomes.next() else { throw RedisError.protocolError("missing pop result") }
                return .popped(outcome)
            }
        }
    }

    /// The push script's arguments: triples of id, payload, delay in ms.
    static func pushArguments(_ jobs: some Collection<OutgoingJob>) -> [[UInt8]] {
        var arguments: [[UInt8]] = []
        arguments.reserveCapacity(jobs.count * 3)
        for job in jobs {
            arguments.append(Array(job.id.utf8))
            arguments.append(job.payload)
            arguments.append(Array(String(max(0, job.delay.wholeMilliseconds)).utf8))
        }
        return arguments
    }

    /// Splits the popped part of the reply, `{now, wake, id, payload, reclaims, ...}`, into one outcome per request.
    private static func popOutcomes(_ reply: RedisValue, requests: [PopRequest]) throws -> [PopOutcome] {
        guard let fields = reply.array, fields.count >= 2, (fields.count - 2) % 3 == 0, let now = fields[0].int,
            let wake = fields[1].int
        else {
            throw RedisError.protocolError("settleAndPop script returned \(reply)")
        }
        let taken = (fields.count - 2) / 3
        guard taken <= requests.count else {
            throw RedisError.protocolError("settleAndPop script returned \(taken) jobs for \(requests.count) requests")
        }
        var outcomes: [PopOutcome] = []
        outcomes.reserveCapacity(requests.count)
        for index in 0..<taken {
            let base = 2 + index * 3
            guard let id = fields[base].string, let payload = fields[base + 1].bytes, let reclaims = fields[base + 2].int
            else { throw RedisError.protocolError("settleAndPop script returned malformed job fields") }
            outcomes.append(
                .job(
                    LeasedJob(
                        id: id, payload: payload, reclaims: Int(max(0, reclaims)), leaseToken: requests[index].token, poppedAt: now)))
        }
        let empty = PopOutcome.empty(wakeMillis: wake >= 0 ? wake : nil)
        outcomes.append(contentsOf: repeatElement(empty, count: requests.count - taken))
        return outcomes
    }
}
