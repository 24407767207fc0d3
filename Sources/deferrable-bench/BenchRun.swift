import Deferrable
import DeferrablePostgres
import DeferrableRedis
import DeferrableSQS

/// One benchmark run: the Redis reference first (when Redis is measured), then every phase on every backend (on
/// PostgreSQL after migrating the schema and measuring the `pgbench` reference, on SQS after measuring plain
/// `SendMessage` calls),
/// `memory-footprint` last (it leaves the process's peak RSS high). Each result is printed as a JSON line as
/// soon as it is measured. A phase that needs job results on a backend that keeps none is skipped with a line on
/// standard error (and no JSON line).
struct BenchRun {
    /// The run's settings.
    let settings: BenchSettings

    /// Runs everything and returns the results in order.
    func run() async throws -> [PhaseResult] {
        var results: [PhaseResult] = []
        func report(_ result: PhaseResult) {
            var result = result
            result.extra.append(("executor", .string(settings.executor.rawValue)))
            StandardStreams.outputLine(result.jsonLine)
            results.append(result)
        }
        var reference: Double?
        if settings.backends.contains(.redis), let url = settings.redisURL {
            StandardStreams.error("reference: PING/LPUSH through the library client\n")
            let outcome = try await ReferenceBenchmark(
                url: url, n: settings.n, runID: settings.runID, runsRedisBenchmark: settings.runsRedisBenchmark
            ).run()
            outcome.results.forEach(report)
            reference = outcome.lpushOpsPerSecond
        }
        let incr = try await makeIncrTarget()
        do {
            for kind in settings.backends {
                let factory = try await makeRedisFactory(kind)
                let postgresFactory = try await makePostgresFactory(kind)
                let sqsFactory = try makeSQSFactory(kind)
                do {
                    var backendReference = reference
                    if postgresFactory != nil {
                        let pgbench = try await pgbenchReference()
                        report(pgbench)
                        backendReference = pgbench.jobsPerSecond
                    }
                    if let sqsFactory {
                        StandardStreams.error("reference: plain SendMessage through the library's SQS client\n")
                        let send = try await SQSSendReference(factory: sqsFactory, n: settings.n, runID: settings.runID).run()
                        report(send)
                        backendReference = send.jobsPerSecond
                    }
                    let context = PhaseContext(
                        settings: settings, backend: kind, redisFactory: factory, postgresFactory: postgresFactory,
                        sqsFactory: sqsFactory, incr: incr, referenceOpsPerSecond: backendReference)
                    for phase in settings.phases where phase != .reference && phase != .memoryFootprint && !phase.isInProcess {
                        StandardStreams.error("\(phase.rawValue) on \(kind.rawValue)\n")
                        do {
                            report(try await Self.run(phase, context: context))
                        } catch DeferrableError.resultsNotSupported(let group) {
                            StandardStreams.error(
                                "\(phase.rawValue) on \(kind.rawValue): skipped, the backend keeps no job results (group '\(group)')\n")
                        } catch DeferrableError.statisticsNotSupported(let group) {
                            StandardStreams.error(
                                "\(phase.rawValue) on \(kind.rawValue): skipped, the backend keeps no task statistics (group '\(group)')\n")
                        }
                    }
                } catch {
                    await factory?.close()
                    await postgresFactory?.close()
                    await sqsFactory?.close()
                    throw error
                }
                await factory?.close()
                await postgresFactory?.close()
                await sqsFactory?.close()
            }
            if settings.backends.contains(.memory) {
                for phase in settings.phases where phase.isInProcess {
                    StandardStreams.error("\(phase.rawValue) (in process)\n")
                    let context = PhaseContext(
                        settings: settings, backend: .memory, redisFactory: nil, incr: incr, referenceOpsPerSecond: nil)
                    report(try await Self.run(phase, context: context))
                }
            }
            if settings.phases.contains(.memoryFootprint), settings.backends.contains(.memory) {
                StandardStreams.error("memory-footprint on memory (\(settings.footprintJobs) jobs)\n")
                let context = PhaseContext(
                    settings: settings, backend: .memory, redisFactory: nil, incr: incr, referenceOpsPerSecond: nil)
                report(try await MemoryFootprintPhase.run(context))
            }
        } catch {
            await closeIncrTarget(incr)
            throw error
        }
        await closeIncrTarget(incr)
        return results
    }

    private static func run(_ phase: PhaseName, context: PhaseContext) async throws -> PhaseResult {
        switch phase {
        case .enqueueSingle: try await EnqueueSinglePhase.run(context)
        case .enqueueConcurrent: try await EnqueueConcurrentPhase.run(context)
        case .enqueueBulk: try await EnqueueBulkPhase.run(context)
        case .drain: try await DrainPhase.run(context)
        case .drainResults: try await DrainResultsPhase.run(context)
        case .drainStatistics: try await DrainStatisticsPhase.run(context)
        case .latency: try await LatencyPhase.run(context)
        case .delayedLatency: try await DelayedLatencyPhase.run(context)
        case .resultLatency: try await ResultLatencyPhase.run(context)
        case .resultRoundtrip: try await ResultRoundtripPhase.run(context)
        case .memoryFootprint: try await MemoryFootprintPhase.run(context)
        case .breaker: try await BreakerPhase.run(context)
        case .pool: try await PoolPhase.run(context)
        case .signalCollect: try await SignalCollectPhase.run(context)
        case .reference: preconditionFailure("the reference is not a per-backend phase")
        }
    }

    private func makeRedisFactory(_ kind: BackendKind) async throws -> RedisBackendFactory? {
        guard kind == .redis, let url = settings.redisURL else { return nil }
        let factory = try RedisBackendFactory(url: url)
        _ = try await factory.client.send(RedisCommand("PING"))  // connect before the first timed phase
        return factory
    }

    /// `pgbench`'s one-row INSERT, measured before the PostgreSQL phases.
    private func pgbenchReference() async throws -> PhaseResult {
        guard let url = settings.postgresURL else { throw BenchError.invalidOptions("PostgreSQL needs --postgres URL") }
        StandardStreams.error("reference: pgbench, one-row INSERT, 1 client, \(settings.pgbenchSeconds) s\n")
        return try await PgbenchReference(url: url, seconds: settings.pgbenchSeconds, runID: settings.runID).run()
    }

    private func makePostgresFactory(_ kind: BackendKind) async throws -> PostgresBackendFactory? {
        guard kind == .postgres, let url = settings.postgresURL else { return nil }
        let factory = try PostgresBackendFactory(url: url)
        do {
            try await factory.migrate()  // also connects before the first timed phase
        } catch {
            await factory.close()
            throw error
        }
        return factory
    }

    private func makeSQSFactory(_ kind: BackendKind) throws -> SQSBackendFactory? {
        guard kind == .sqs else { return nil }
        return try SQSBackendFactory(region: settings.sqsRegion, endpoint: settings.sqsEndpoint, queuePrefix: "bench")
    }

    private func makeIncrTarget() async throws -> IncrTarget? {
        guard settings.job == .incr, let url = settings.redisURL else { return nil }
        let target = IncrTarget(client: try RedisClient(url: url), key: "deferrable-bench:incr:\(settings.runID)")
        _ = try await target.client.send(RedisCommand("PING"))
        return target
    }

    private func closeIncrTarget(_ target: IncrTarget?) async {
        guard let target else { return }
        _ = try? await target.client.send(RedisCommand("DEL", target.key))
        await target.client.close()
    }
}
