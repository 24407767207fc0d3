import Synchronization

/// Ends the waits of idle consumers when they are due, not at Redis's next look at its blocked clients.
///
/// A consumer that finds nothing runnable waits in `BRPOPLPUSH` until the next delayed job is due or lease lapses.
/// Redis ends a blocked command at its timeout only when its server cron next runs (`hz` times a second: every
/// 100 ms by default), so a wait left to that timeout ends up to that long after the job is due. Such a wait arms
/// this alarm at its due time instead; when the alarm rings it pushes a wake-up marker (``RedisScript/wake``), which
/// Redis hands to a waiting consumer at once, and that consumer's pop, pipelined behind its wait, promotes the due
/// job and takes it. The wait keeps its server timeout, which ends it anyway should the marker not get through.
///
/// One alarm serves every wait on one group's queue: waits due within ``coalescing`` of each other share one ring.
/// One marker is enough for them: the pop it wakes promotes every due job, and each job it puts on the ready list
/// wakes another waiting consumer.
final class RedisWakeAlarm: Sendable {
    typealias Instant = ContinuousClock.Instant

    /// A wait that armed the alarm.
    struct Ticket: Sendable {
        fileprivate let number: UInt64
    }

    /// Waits due this close after the earliest one are rung with it.
    static let coalescing = Duration.milliseconds(1)

    private struct Timer {
        let number: UInt64
        let deadline: Instant
        let task: Task<Void, Never>
    }

    private struct State {
        var nextNumber: UInt64 = 0
        /// Ticket number → when that wait is due to end.
        var deadlines: [UInt64: Instant] = [:]
        /// The one pending timer, set for the earliest deadline (or earlier, when that wait ended first).
        var timer: Timer?

        mutating func takeNumber() -> UInt64 {
            defer { nextNumber &+= 1 }
            return nextNumber
        }
    }

    private let state = Mutex(State())
    private let ring: @Sendable () async -> Void

    /// Creates an alarm that calls `ring` when an armed wait is due.
    init(ring: @escaping @Sendable () async -> Void) {
        self.ring = ring
    }

    /// Creates an alarm that wakes a consumer of the group of `keys`. A ring that fails is dropped: the wait then
    /// ends at its server timeout.
    convenience init(client: RedisClient, keys: RedisKeys) {
        let wakeKeys = [keys.ready, keys.markers]
        self.init(ring: { _ = try? await client.evalScript(.wake, keys: wakeKeys) })
    }

    /// Runs `wait` with the alarm armed at `deadline` (not at all when `deadline` is `nil`) and disarmed when it
    /// returns or throws.
    func ringing<T>(at deadline: Instant?, around wait: () async throws -> T) async throws -> T {
        guard let deadline else { return try await wait() }
        let ticket = arm(at: deadline)
        defer { disarm(ticket) }
        return try await wait()
    }

    /// Arms the alarm for a wait due to end at `deadline`.
    func arm(at deadline: Instant) -> Ticket {
        state.withLock { state in
            let number = state.takeNumber()
            state.deadlines[number] = deadline
            if state.timer.map({ deadline < $0.deadline }) ?? true {
                state.timer?.task.cancel()
                state.timer = startTimer(at: deadline, number: state.takeNumber())
            }
            return Ticket(number: number)
        }
    }

    /// Disarms the alarm for a wait that ended; the timer stops once no wait is armed.
    func disarm(_ ticket: Ticket) {
        state.withLock { state in
            state.deadlines[ticket.number] = nil
            if state.deadlines.isEmpty, let timer = state.timer {
                timer.task.cancel()
                state.timer = nil
            }
        }
    }

    /// The number of waits armed (for tests).
    var armedCount: Int { state.withLock { $0.deadlines.count } }

    private func startTimer(at deadline: Instant, number: UInt64) -> Timer {
        let task = Task { [weak self] in
            do {
                try await Task.sleep(until: deadline, tolerance: .zero, clock: .continuous)
            } catch {
                return
            }
            await self?.timerFired(number)
        }
        return Timer(number: number, deadline: deadline, task: task)
    }

    /// Takes the waits due now off the alarm, sets the timer for the next one, and rings if any was due.
    private func timerFired(_ number: UInt64) async {
        let due = state.withLock { state -> Bool in
            guard state.timer?.number == number else { return false }  // replaced while it fired
            let limit = ContinuousClock.now + Self.coalescing
            let armed = state.deadlines.count
            state.deadlines = state.deadlines.filter { $0.value > limit }
            state.timer = state.deadlines.values.min().map { startTimer(at: $0, number: state.takeNumber()) }
            return state.deadlines.count < armed
        }
        if due {
            await ring()
        }
    }
}
