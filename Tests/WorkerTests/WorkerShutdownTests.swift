import Deferrable
import DeferrableTestSupport
import Foundation
import InMemoryLogging
import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

@Suite("Worker: graceful shutdown")
struct WorkerShutdownTests {
    @Test(
        "shutdown with a short grace period hands an unfinished job back at once, attempt unchanged",
        arguments: TestBackend.available)
    func unfinishedJobIsHandedBack(backend: TestBackend) async throws {
        let (factory, cleanup) = try backend.makeFactory()
        defer { Task { await cleanup() } }
        let deferrable = try Deferrable(factory: factory, group: "shutdown")
        let runs = RunCounter()
        let handle = try deferrable.register("long") { (_: Int, context: JobContext) in
            let run = runs.next(attempt: context.attempt)
            if run == 1 { try await Task.sleep(for: .seconds(10)) }
        }
        try await handle.later(1)
        let logs = InMemoryLogHandler()
        let worker = Worker(
            deferrable, configuration: .init(concurrency: 2, gracePeriod: .milliseconds(200)), logger: logs.logger())
        try await testGracefulShutdown { shutdown in
            let running = Task { try await worker.run() }
            try await eventually("the job to start") { runs.count == 1 }

            let started = ContinuousClock.now
            shutdown.triggerGracefulShutdown()
            try await within(.seconds(5), "the worker to stop") { try await running.value }
            let took = started.duration(to: .now)
            #expect(took < .seconds(3), "shutdown took \(took)")
        }

        let stats = try await deferrable.stats()
        #expect(stats.available == 1)
        #expect(stats.inFlight == 0)
        #expect(stats.errors == 0)
        #expect(!logs.records("grace period over: cancelling running jobs; they are handed back to their queues").isEmpty)

        let outcome = try await deferrable.runOnce(waitingUpTo: .zero)
        guard case .completed = outcome else {
            Issue.record("expected the handed-back job to complete, got \(outcome)")
            return
        }
        #expect(runs.attempts == [1, 1], "a handed-back job keeps its attempt count")
    }

    @Test("running jobs that finish within the grace period complete; nothing new is taken", arguments: TestBackend.available)
    func jobsFinishWithinGrace(backend: TestBackend) async throws {
        let (factory, cleanup) = try backend.makeFactory()
        defer { Task { await cleanup() } }
        let deferrable = try Deferrable(factory: factory, group: "grace")
        let runs = RunCounter()
        let finish = AsyncGate()
        let handle = try deferrable.register("short") { (_: Int, _: JobContext) in
            runs.next()
            await finish.wait()
        }
        try await handle.later(1)
        let logs = InMemoryLogHandler()
        let worker = Worker(deferrable, configuration: .init(concurrency: 1, gracePeriod: .seconds(5)), logger: logs.logger())
        try await testGracefulShutdown { shutdown in
            let running = Task { try await worker.run() }
            try await eventually("the job to start") { runs.count == 1 }
            try await handle.later(2)
            shutdown.triggerGracefulShutdown()
            #expect(logs.records("worker shutting down: no new jobs; waiting for running jobs").count == 1)
            // The running job ends only now, after intake stopped: its slot must not take the second job.
            finish.open()
            try await within(.seconds(4), "the worker to stop") { try await running.value }
        }
        #expect(runs.count == 1, "no job is taken after shutdown began")
        #expect(logs.records("grace period over: cancelling running jobs; they are handed back to their queues").isEmpty)
        let stats = try await deferrable.stats()
        #expect(stats.available == 1)
        #expect(stats.inFlight == 0)
        #expect(stats.errors == 0)
    }

    @Test("an idle worker blocked in pop stops promptly", arguments: TestBackend.countingWaits)
    func idleWorkerStopsPromptly(backend: TestBackend) async throws {
        let counted = try await backend.makeWaitCountingFactory()
        defer { Task { await counted.close() } }
        let deferrable = try Deferrable(factory: counted.factory, group: "idle")
        let worker = Worker(deferrable, configuration: .init(concurrency: 4, idleWait: .seconds(30)))
        // A real service group, as applications run a worker.
        let group = ServiceGroup(services: [worker], logger: Logger(label: "group"))
        let running = Task { try await group.run() }
        try await counted.waitUntilWaiting(4, group: deferrable.group)
        let started = ContinuousClock.now
        await group.triggerGracefulShutdown()
        try await within(.seconds(5), "the idle worker to stop") { try await running.value }
        #expect(started.duration(to: .now) < .seconds(5), "far within the 30 s wait")
        try await eventually("no slot to be left waiting") { try await counted.waitingConsumers(group: deferrable.group) == 0 }
    }

    @Test("cancelling the task running runOnce mid-job hands the job back", arguments: TestBackend.available)
    func cancelledRunOnceHandsBack(backend: TestBackend) async throws {
        let (factory, cleanup) = try backend.makeFactory()
        defer { Task { await cleanup() } }
        let deferrable = try Deferrable(factory: factory, group: "cancel")
        let runs = RunCounter()
        let handle = try deferrable.register("long") { (_: Int, context: JobContext) in
            runs.next(attempt: context.attempt)
            try await Task.sleep(for: .seconds(10))
        }
        try await handle.later(1)
        let run = Task { try await deferrable.runOnce(waitingUpTo: .zero) }
        try await eventually("the job to start") { runs.count == 1 }
        run.cancel()
        let outcome = try await within(.seconds(3), "runOnce to return") { try await run.value }
        guard case .handedBack = outcome else {
            Issue.record("expected handedBack, got \(outcome)")
            return
        }
        #expect(try await deferrable.stats() == QueueStats(available: 1, inFlight: 0, delayed: 0, errors: 0))
    }

    @Test("cancelling an idle runOnce returns promptly", arguments: TestBackend.countingWaits)
    func cancelledIdleRunOnceReturns(backend: TestBackend) async throws {
        let counted = try await backend.makeWaitCountingFactory()
        defer { Task { await counted.close() } }
        let deferrable = try Deferrable(factory: counted.factory, group: "idle-cancel")
        let run = Task { try await deferrable.runOnce(waitingUpTo: .seconds(30)) }
        try await counted.waitUntilWaiting(1, group: deferrable.group)
        let started = ContinuousClock.now
        run.cancel()
        let result = try await within(.seconds(5), "runOnce to return") { await run.result }
        #expect(started.duration(to: .now) < .seconds(5), "far within the 30 s wait")
        switch result {
        case .success(let outcome): #expect(outcome == .empty)
        case .failure(let error): #expect(error is CancellationError, "unexpected error \(error)")
        }
    }

    @Test("shutdownGracefully() stops a worker run outside a service group")
    func manualShutdown() async throws {
        let counted = WaitCountingFactory.memory()
        let deferrable = try Deferrable(factory: counted.factory, group: "manual")
        let runs = RunCounter()
        let handle = try deferrable.register("job") { (_: Int, _: JobContext) in runs.next() }
        let worker = Worker(deferrable, configuration: .init(concurrency: 2, idleWait: .seconds(30)))
        let running = Task { try await worker.run() }
        try await counted.waitUntilWaiting(2, group: deferrable.group)
        let started = ContinuousClock.now
        worker.shutdownGracefully()
        try await within(.seconds(5), "the worker to stop") { try await running.value }
        #expect(started.duration(to: .now) < .seconds(5), "far within the 30 s wait")
        #expect(try await counted.waitingConsumers(group: deferrable.group) == 0, "no slot is left waiting")
        try await handle.later(1)
        try await within(.seconds(2), "a second run() to return at once") { try await worker.run() }
        #expect(runs.count == 0, "a stopped worker takes no job")
        #expect(try await deferrable.stats().available == 1)
    }
}
