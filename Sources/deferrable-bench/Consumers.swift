import Deferrable
import Logging

/// The consumers of `drain` and `latency`: a `Worker`, or tasks looping `runOnce(waitingUpTo:)`.
struct Consumers: Sendable {
    private let worker: Worker?
    private let task: Task<Void, Never>

    /// Starts `concurrency` consumers on `instance`.
    ///
    /// - Parameter idleWait: with the `tasks` driver, how long each `runOnce` waits for a job (`.zero` spins);
    ///   the tasks stop once the probe is done or on ``stop()``. A `Worker` uses its own idle wait (1 s).
    static func start(
        _ instance: BenchInstance, concurrency: Int, driver: DrainDriver, idleWait: Duration
    ) -> Consumers {
        switch driver {
        case .worker:
            var logger = Logger(label: "deferrable-bench.worker")
            logger.logLevel = .error
            let worker = Worker(instance.deferrable, configuration: .init(concurrency: concurrency), logger: logger)
            let task = Task {
                do {
                    try await worker.run()
                } catch {
                    logger.error("worker failed", metadata: ["error": "\(error)"])
                }
            }
            return Consumers(worker: worker, task: task)
        case .tasks:
            let deferrable = instance.deferrable
            let probe = instance.probe
            let task = Task {
                await withDiscardingTaskGroup { group in
                    for _ in 0..<concurrency {
                        group.addTask {
                            while !probe.isDone, !Task.isCancelled {
                                do {
                                    _ = try await deferrable.runOnce(waitingUpTo: idleWait)
                                } catch {
                                    try? await Task.sleep(for: .milliseconds(10))
                                }
                            }
                        }
                    }
                }
            }
            return Consumers(worker: nil, task: task)
        }
    }

    /// Runs `body` while `settings.concurrency` consumers on `instance` are idle: starts them with a blocking wait
    /// (1 s), gives every consumer half a second to reach it, runs `body`, then stops them, whether `body` threw or
    /// not.
    static func whileIdle<T: Sendable>(
        _ instance: BenchInstance, settings: BenchSettings, _ body: () async throws -> T
    ) async throws -> T {
        let consumers = start(instance, concurrency: settings.concurrency, driver: settings.driver, idleWait: .seconds(1))
        let measured: Result<T, any Error>
        do {
            try await Task.sleep(for: .milliseconds(500))  // let every consumer reach its blocking wait
            measured = .success(try await body())
        } catch {
            measured = .failure(error)
        }
        await consumers.stop()
        return try measured.get()
    }

    /// Stops the consumers and waits until they stopped.
    func stop() async {
        if let worker {
            worker.shutdownGracefully()
        } else {
            task.cancel()
        }
        await task.value
    }
}
