import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Testing

/// The backends of ``DelayedStartTests``: memory, and Redis on a private server whose `hz` is 1, so that a wait
/// left to end by Redis's own blocking timeout (checked at each `hz` tick) would end up to a second late.
enum DelayedStartBackend: Sendable, CustomTestStringConvertible {
    case memory
    case redisTickingOncePerSecond
    case postgres(url: String)

    /// Memory always; Redis when Redis tests run (`REDIS_URL` is set) and `redis-server` is on PATH; PostgreSQL when
    /// `POSTGRES_URL` is set.
    static var all: [DelayedStartBackend] {
        let environment = ProcessInfo.processInfo.environment
        var backends: [DelayedStartBackend] = [.memory]
        if environment["REDIS_URL"] != nil, RedisServerProcess.isAvailable { backends.append(.redisTickingOncePerSecond) }
        if let url = environment["POSTGRES_URL"] { backends.append(.postgres(url: url)) }
        return backends
    }

    var testDescription: String {
        switch self {
        case .memory: "memory"
        case .redisTickingOncePerSecond: "redis (hz 1)"
        case .postgres: "postgres"
        }
    }

    /// Runs `body` with a fresh factory of this backend; a Redis server started for it is stopped afterwards.
    func withFactory(_ body: (any BackendFactory) async throws -> Void) async throws {
        switch self {
        case .memory:
            try await body(MemoryBackendFactory())
        case .redisTickingOncePerSecond:
            try await Self.withSlowTickingRedis(body)
        case .postgres(let url):
            try await body(TestBackend.postgres(url: url).makeFactory())
        }
    }

    /// Runs `body` with a factory on a private `redis-server` whose `hz` is 1, stopped afterwards.
    static func withSlowTickingRedis(_ body: (RedisBackendFactory) async throws -> Void) async throws {
        let server = try await RedisServerProcess(arguments: ["--hz", "1"])
        defer { server.discard() }
        let factory = try RedisBackendFactory(url: server.url, settings: RedisBackendSettings(keyPrefix: "bt"))
        do {
            try await body(factory)
        } catch {
            await factory.close()
            throw error
        }
        await factory.close()
    }
}

@Suite("Delayed jobs start when due", .timeLimit(.minutes(1)))
struct DelayedStartTests {
    /// Jobs pushed, with delays 100, 120, ... 1080 ms, pushed in a scrambled order. The delays span more than a
    /// second, so with `hz 1` a tick falls among the due times, and a wait that ends at a tick leaves the job due
    /// just after it about a second late.
    static let jobCount = 50
    /// Far above the start delay of a consumer woken at the due time (a few ms), far below the about 1 s of a wait
    /// that ends at the server's `hz` tick: a job that starts this much later than a timer of the test process set for
    /// its due time (``TimerLateness``) was not woken at its due time.
    static let lateBound = Duration.milliseconds(500)
    /// Both backends keep due times in whole milliseconds of a clock read to the millisecond below, so a job can be
    /// due up to this long before the exact instant its delay ends.
    static let clockResolution = Duration.milliseconds(1)

    @Test(
        "each delayed job made due while the workers idle starts once, not before it is due, and without waiting for a server tick",
        arguments: DelayedStartBackend.all)
    func delayedJobsStartWhenDue(backend: DelayedStartBackend) async throws {
        try await backend.withFactory { factory in
            let deferrable = try Deferrable(factory: factory, group: TestBackend.uniqueGroup())
            let nextDelay = Locked(Duration.zero)
            let starts = Locked<[Int: [ContinuousClock.Instant]]>([:])
            let job = try deferrable.register("delayed", options: JobOptions(delay: .computed { nextDelay.value })) { (n: Int, _) in
                let now = ContinuousClock.now
                starts.withLock { $0[n, default: []].append(now) }
            }
            let worker = Worker(deferrable, configuration: .init(concurrency: 2))
            let running = Task { try await worker.run() }

            // `due` is taken before each push, so the backend's due time is at most `clockResolution` before it: a
            // start earlier than that is certainly early; the lateness measured from `due` includes the push's round
            // trip.
            var due: [Int: ContinuousClock.Instant] = [:]
            let timers = TimerLateness()
            for index in 0..<Self.jobCount {
                let n = (index * 17) % Self.jobCount
                let delay = Duration.milliseconds(100 + 20 * n)
                nextDelay.withLock { $0 = delay }
                let before = ContinuousClock.now
                try await job.later(n)
                due[n] = before + delay
                timers.start(n, at: before + delay)
            }
            let deadline = ContinuousClock.now + patience
            while starts.value.values.reduce(0, { $0 + $1.count }) < Self.jobCount, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            worker.shutdownGracefully()
            try await running.value

            let started = starts.value
            let timerLateness = await timers.lateness()
            #expect(started.count == Self.jobCount, "jobs started: \(started.count) of \(Self.jobCount)")
            var excess: [Duration] = []
            for (n, instants) in started.sorted(by: { $0.key < $1.key }) {
                #expect(instants.count == 1, "job \(n) started \(instants.count) times")
                guard let first = instants.first, let dueAt = due[n] else { continue }
                #expect(first >= dueAt - Self.clockResolution, "job \(n) started \(dueAt - first) before it was due")
                excess.append(dueAt.duration(to: first) - (timerLateness[n] ?? .zero))
            }
            let late = excess.filter { $0 > Self.lateBound }
            #expect(
                late.isEmpty,
                "\(late.count) jobs started more than \(Self.lateBound) later than a timer of this process set for their due time: \(late.sorted())"
            )
        }
    }

    @Test(
        "on Redis, a job pushed due sooner than the one an idle worker waits for wakes it and starts when due",
        .enabled(
            if: DelayedStartBackend.all.contains { if case .redisTickingOncePerSecond = $0 { true } else { false } },
            "needs REDIS_URL and redis-server"))
    func soonerJobEndsAWaitForALaterOne() async throws {
        try await DelayedStartBackend.withSlowTickingRedis { factory in
            let deferrable = try Deferrable(factory: factory, group: TestBackend.uniqueGroup())
            let nextDelay = Locked(Duration.zero)
            let starts = Locked<[String: ContinuousClock.Instant]>([:])
            let job = try deferrable.register("delayed", options: JobOptions(delay: .computed { nextDelay.value })) { (name: String, _) in
                let now = ContinuousClock.now
                starts.withLock { $0[name] = now }
            }
            let worker = Worker(deferrable, configuration: .init(concurrency: 1))
            let running = Task { try await worker.run() }

            nextDelay.withLock { $0 = .seconds(20) }
            try await job.later("later")
            // The worker's slot is blocked in Redis, waiting for the job due in 20 s (this server has no other client).
            let deadline = ContinuousClock.now + patience
            while try await Self.blockedClients(factory.client) < 1, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(try await Self.blockedClients(factory.client) == 1)

            let delay = Duration.milliseconds(100)
            nextDelay.withLock { $0 = delay }
            let before = ContinuousClock.now
            try await job.later("sooner")
            let due = before + delay
            let timers = TimerLateness()
            timers.start(0, at: due)
            while starts.value["sooner"] == nil, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            worker.shutdownGracefully()
            try await running.value

            let started = try #require(starts.value["sooner"], "the sooner job never started")
            let timerLateness = await timers.lateness()[0] ?? .zero
            #expect(started >= due - DelayedStartTests.clockResolution, "started \(due - started) before it was due")
            #expect(
                due.duration(to: started) - timerLateness <= DelayedStartTests.lateBound,
                "started \(due.duration(to: started)) after it was due (a timer set for then: \(timerLateness))")
            #expect(starts.value["later"] == nil)
        }
    }

    /// How late timers of this process woke, one per due time: on a starved machine the process itself runs late, and
    /// only lateness beyond that is the backend's.
    final class TimerLateness: Sendable {
        private let tasks = Locked<[Int: Task<Duration, Never>]>([:])

        /// Starts a timer for `instant` under `key`.
        func start(_ key: Int, at instant: ContinuousClock.Instant) {
            let task = Task {
                try? await Task.sleep(until: instant, tolerance: .zero, clock: .continuous)
                return max(.zero, instant.duration(to: .now))
            }
            tasks.withLock { $0[key] = task }
        }

        /// How late each timer woke, once all have.
        func lateness() async -> [Int: Duration] {
            var result: [Int: Duration] = [:]
            for (key, task) in tasks.value {
                result[key] = await task.value
            }
            return result
        }
    }

    /// `blocked_clients` of `INFO clients`.
    private static func blockedClients(_ client: RedisClient) async throws -> Int {
        let info = try await client.send(RedisCommand("INFO", "clients")).string ?? ""
        let line = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("blocked_clients:") }
        return line.flatMap { Int($0.dropFirst("blocked_clients:".count)) } ?? 0
    }
}
