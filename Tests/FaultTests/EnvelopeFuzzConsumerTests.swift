import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Testing

/// Fuzz inputs pushed as raw payloads and taken by `runOnce` on each backend: no input traps the consumer, each ends
/// completed, expired, discarded, waiting for a retry, or in the error queue, and the consumers keep going.
@Suite("Envelope fuzz through runOnce", .serialized, .timeLimit(.minutes(5)))
struct EnvelopeFuzzConsumerTests {
    static let seed: UInt64 = 0xDEFE_22AB_1E00_0015
    /// Inputs generated; every accepted one and one rejected in `rejectedSampling` are pushed.
    static let total = FaultEnv.long ? 1_000_000 : 100_000
    static let rejectedSampling = 32
    static let batchSize = 1000
    static let consumers = 8

    /// A pushed input: its queue id (also its envelope id when the envelope decodes), and whether it decodes.
    struct Pushed: Sendable {
        var id: String
        var payload: [UInt8]
        var accepted: Bool
    }

    /// The inputs, generated once for both backends. An accepted envelope gets a unique id by an `"id"` member put
    /// first (the first occurrence of a key wins), so jobs never share ids while the rest of the bytes stay as fuzzed.
    static let inputs: (pushed: [Pushed], generated: Int, idRewriteFailures: [String]) = {
        var random = SplitMix64(seed: seed)
        let corpus = EnvelopeFuzzTests.corpus()
        let valid = corpus.filter { (try? EnvelopeCodec.decode($0)) != nil }
        var pushed: [Pushed] = []
        var failures: [String] = []
        for index in 0..<total {
            // A quarter of the inputs are valid envelopes with extreme numbers, the rest the decoder fuzz's mix.
            let input =
                index % 4 == 0
                ? EnvelopeFuzzTests.withExtremeMembers(valid[Int(random.next() % UInt64(valid.count))], using: &random)
                : EnvelopeFuzzTests.input(index - index / 4, corpus: corpus, using: &random)
            let id = "f-\(index)"
            guard let envelope = try? EnvelopeCodec.decode(input) else {
                if index % rejectedSampling == 0 { pushed.append(Pushed(id: id, payload: input, accepted: false)) }
                continue
            }
            var bytes = input
            let brace = bytes.firstIndex(of: UInt8(ascii: "{"))!
            bytes.insert(contentsOf: Array(#""id":"\#(id)","#.utf8), at: brace + 1)
            var expected = envelope
            expected.id = id
            if (try? EnvelopeCodec.decode(bytes)) != expected, failures.count < 5 {
                failures.append(String(decoding: input.prefix(300), as: UTF8.self))
            }
            pushed.append(Pushed(id: id, payload: bytes, accepted: true))
        }
        return (pushed, total, failures)
    }()

    /// Arguments of any shape: the fuzz exercises the envelope, not argument decoding.
    struct AnyArguments: Codable, Sendable {
        init(from decoder: any Decoder) throws {}
        func encode(to encoder: any Encoder) throws {}
    }

    struct FuzzRetry: Error {}
    struct FuzzFailure: Error {}

    /// The job names of the corpus, registered with a body that, by input number, succeeds, fails once retriably,
    /// reschedules once (at once or by an hour), fails for good, or discards itself.
    static func register(on deferrable: Deferrable, ranBefore: Locked<Set<String>>) throws {
        let names = Set(EnvelopeFuzzTests.corpus().compactMap { try? EnvelopeCodec.decode($0).name })
        for name in names.sorted() {
            try deferrable.register(name, options: JobOptions(retry: .on(FuzzRetry.self))) { (_: AnyArguments, context) in
                let number = Int(context.id.dropFirst(2)) ?? 0
                let first = ranBefore.withLock { $0.insert(context.id).inserted }
                switch number % 5 {
                case 1 where first: throw FuzzRetry()
                case 2 where first: throw JobControl.reschedule(after: number % 3 == 0 ? .zero : .seconds(3600))
                case 3: throw FuzzFailure()
                case 4: throw JobControl.discard("fuzz")
                default: return
                }
            }
        }
    }

    @Test("memory backend: fuzzed envelopes through runOnce")
    func memory() async throws {
        try await run(factory: MemoryBackendFactory(errorQueueLimits: ErrorQueueLimits(maxEntries: .max)), label: "memory")
    }

    @Test("Redis backend: fuzzed envelopes through runOnce", .enabled(if: FaultEnv.hasRedis, "needs REDIS_URL"))
    func redis() async throws {
        let factory = RedisBackendFactory(
            configuration: try RedisConfiguration(url: FaultEnv.url),
            settings: RedisBackendSettings(keyPrefix: uniquePrefix("fuzz"), errorQueueLimits: ErrorQueueLimits(maxEntries: .max)),
            logger: quietLogger())
        try await run(factory: factory, label: "redis")
    }

    func run(factory: any BackendFactory, label: String) async throws {
        let (pushed, generated, idRewriteFailures) = Self.inputs
        #expect(idRewriteFailures.isEmpty, "accepted envelopes whose id member did not win: \(idRewriteFailures)")
        #expect(pushed.filter(\.accepted).count > generated / 10, "too few inputs decode to exercise the consumer")
        let deferrable = try Deferrable(factory: factory, group: uniqueGroup(), logger: quietLogger())
        let ranBefore = Locked<Set<String>>([])
        try Self.register(on: deferrable, ranBefore: ranBefore)
        let outcomes = Locked<[String: RunOutcome]>([:])
        let thrown = Locked<[String]>([])
        let start = ContinuousClock.now
        for batchStart in stride(from: 0, to: pushed.count, by: Self.batchSize) {
            let batch = pushed[batchStart..<min(batchStart + Self.batchSize, pushed.count)]
            try await deferrable.backend.queue.pushBatch(batch.map { OutgoingJob(id: $0.id, payload: $0.payload) })
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<Self.consumers {
                    group.addTask { await Self.consume(deferrable, outcomes: outcomes, thrown: thrown) }
                }
            }
        }
        let elapsed = start.duration(to: .now)
        #expect(thrown.value.isEmpty, "runOnce threw: \(thrown.value.prefix(5))")

        let last = outcomes.value
        var waiting = 0
        var inErrorQueue = 0
        var unexpected: [String] = []
        var byLabel: [String: Int] = [:]
        for input in pushed {
            guard let outcome = last[input.id] else {
                unexpected.append("\(input.id): never taken")
                continue
            }
            byLabel[outcome.label, default: 0] += 1
            switch outcome {
            case .completed, .expired, .discarded:
                if !input.accepted { unexpected.append("\(input.id): undecodable input ended \(outcome)") }
            case .retried(_, _, let delay), .rescheduled(_, let delay):
                if delay > .zero { waiting += 1 } else { unexpected.append("\(input.id): retried at once but never taken again") }
            case .failed(_, let reason):
                inErrorQueue += 1
                if input.accepted == reason.hasPrefix("MalformedEnvelope") {
                    unexpected.append("\(input.id): decoder and consumer disagree (accepted: \(input.accepted), \(reason))")
                }
            case .empty, .handedBack, .leaseLost, .waitedOnCircuit:
                unexpected.append("\(input.id): ended \(outcome)")
            }
        }
        #expect(unexpected.isEmpty, "\(unexpected.count) inputs ended wrongly: \(unexpected.prefix(5))")
        let stats = try await deferrable.stats()
        #expect(stats.inFlight == 0)
        #expect(stats.available + stats.delayed == waiting)
        #expect(stats.errors == inErrorQueue)
        let outcomeCounts = byLabel.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
        report(
            "fuzz-runOnce-\(label)",
            [
                "generated": generated, "seed": String(Self.seed, radix: 16), "pushed": pushed.count,
                "accepted": pushed.filter(\.accepted).count, "outcomes": outcomeCounts, "seconds": elapsed,
            ])
        try await deferrable.backend.queue.flush()
        _ = try await deferrable.errors.purge()
    }

    /// Runs jobs until none is runnable, keeping each job's latest outcome; a throw is recorded and the loop goes on.
    static func consume(_ deferrable: Deferrable, outcomes: Locked<[String: RunOutcome]>, thrown: Locked<[String]>) async {
        var failures = 0
        while failures < 3 {
            do {
                let outcome = try await deferrable.runOnce(waitingUpTo: .zero)
                guard let job = outcome.job else { return }
                // A job runs at most twice; the run after a retry may be recorded before the retry itself is.
                outcomes.withLock { outcomes in
                    if let previous = outcomes[job.id], previous.isFinal { return }
                    outcomes[job.id] = outcome
                }
            } catch {
                failures += 1
                thrown.withLock { $0.append(String(describing: error)) }
            }
        }
    }
}

extension RunOutcome {
    /// Whether the job's journey ended with this outcome (it is no longer in the queue).
    fileprivate var isFinal: Bool {
        switch self {
        case .completed, .expired, .discarded, .failed: true
        case .empty, .retried, .rescheduled, .waitedOnCircuit, .handedBack, .leaseLost: false
        }
    }
}
