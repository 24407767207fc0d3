import Deferrable
import Foundation

/// The request coalescers of one group's queue: concurrent pushes, pops and settles share script calls.
///
/// A lone call still makes one script call of its own at once; under concurrency (many producers, a `Worker` with
/// many slots) the calls that arrive while two batches are in flight go out together in the next one. This divides
/// Redis's fixed cost per script call (and the client's cost per round trip) by the batch size.
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
    }

    /// What one settle asks for: the 7 script arguments of one settlement.
    struct SettleRequest: Sendable {
        let arguments: [[UInt8]]
    }

    /// Most requests per coalesced pop or settle call.
    static let maxBatch = 256
    /// Batches in flight at once per kind.
    static let maxInFlight = 4

    let push: RequestCoalescer<OutgoingJob, Void>
    let pop: RequestCoalescer<PopRequest, PopOutcome>
    let settle: RequestCoalescer<SettleRequest, Bool>

    init(client: RedisClient, keys: RedisKeys, settings: RedisBackendSettings) {
        let pushKeys = keys.pushKeys
        push = RequestCoalescer(maxBatch: settings.pushChunkSize, maxInFlight: Self.maxInFlight) { jobs in
            if RedisImmediatePush.applies(to: jobs) {
                try RedisImmediatePush.check(try await client.pipeline(RedisImmediatePush.commands(jobs, keys: keys)))
            } else {
                _ = try await client.evalScript(.push, keys: pushKeys, binaryArgs: Self.pushArguments(jobs))
            }
            return Array(repeating: (), count: jobs.count)
        }
        let popKeys = keys.popKeys
        pop = RequestCoalescer(maxBatch: Self.maxBatch, maxInFlight: Self.maxInFlight) { requests in
            var arguments: [[UInt8]] = []
            arguments.reserveCapacity(requests.count * 2)
            for request in requests {
                arguments.append(Array(String(request.leaseMillis).utf8))
                arguments.append(Array(request.token.utf8))
            }
            let reply = try await client.evalScript(.pop, keys: popKeys, binaryArgs: arguments)
            return try Self.popOutcomes(reply, requests: requests)
        }
        let settleKeys = keys.settleKeys
        let limits = [
            Array(String(settings.errorQueueLimits.maxEntries).utf8),
            Array(String(settings.errorQueueLimits.maxAge.wholeMilliseconds).utf8),
        ]
        settle = RequestCoalescer(maxBatch: Self.maxBatch, maxInFlight: Self.maxInFlight) { requests in
            var arguments = limits
            arguments.reserveCapacity(2 + requests.count * 7)
            for request in requests {
                arguments.append(contentsOf: request.arguments)
            }
            let reply = try await client.evalScript(.settle, keys: settleKeys, binaryArgs: arguments)
            guard let values = reply.array, values.count == requests.count else {
                throw RedisError.protocolError("settle script returned \(reply) for \(requests.count) settlements")
            }
            return values.map { $0.int == 1 }
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

    /// Splits the pop script's reply `{now, wake, id, payload, reclaims, ...}` into one outcome per request.
    private static func popOutcomes(_ reply: RedisValue, requests: [PopRequest]) throws -> [PopOutcome] {
        guard let fields = reply.array, fields.count >= 2, (fields.count - 2) % 3 == 0, let now = fields[0].int,
            let wake = fields[1].int
        else {
            throw RedisError.protocolError("pop script returned \(reply)")
        }
        let taken = (fields.count - 2) / 3
        guard taken <= requests.count else {
            throw RedisError.protocolError("pop script returned \(taken) jobs for \(requests.count) requests")
        }
        var outcomes: [PopOutcome] = []
        outcomes.reserveCapacity(requests.count)
        for index in 0..<taken {
            let base = 2 + index * 3
            guard let id = fields[base].string, let payload = fields[base + 1].bytes, let reclaims = fields[base + 2].int
            else { throw RedisError.protocolError("pop script returned malformed job fields") }
            outcomes.append(
                .job(
                    LeasedJob(
                        id: id, payload: payload, reclaims: Int(reclaims), leaseToken: requests[index].token, poppedAt: now)))
        }
        let empty = PopOutcome.empty(wakeMillis: wake >= 0 ? wake : nil)
        outcomes.append(contentsOf: repeatElement(empty, count: requests.count - taken))
        return outcomes
    }
}
