import Testing

@testable import DeferrableRedis

/// ``RedisWakeAlarm`` on its own: when it rings, and for which waits (its ring is a stream of ring instants here).
@Suite("Redis wake alarm", .timeLimit(.minutes(1)))
struct WakeAlarmTests {
    private func makeAlarm() -> (RedisWakeAlarm, AsyncStream<ContinuousClock.Instant>.Iterator) {
        let (rings, continuation) = AsyncStream<ContinuousClock.Instant>.makeStream()
        let alarm = RedisWakeAlarm(ring: { continuation.yield(.now) })
        return (alarm, rings.makeAsyncIterator())
    }

    @Test("an armed wait rings at its due time, not before, together with waits due within the coalescing window")
    func ringsWhenDue() async throws {
        let (alarm, iterator) = makeAlarm()
        var rings = iterator
        let due = ContinuousClock.now + .milliseconds(50)
        _ = alarm.arm(at: due)
        _ = alarm.arm(at: due + RedisWakeAlarm.coalescing / 2)
        let rang = try #require(await rings.next())
        #expect(rang >= due)
        #expect(alarm.armedCount == 0, "both waits were rung and taken off the alarm")
    }

    @Test("a wait armed after a later one rings first; the later one stays armed")
    func earlierWaitRingsFirst() async throws {
        let (alarm, iterator) = makeAlarm()
        var rings = iterator
        let later = ContinuousClock.now + .seconds(5)
        let laterTicket = alarm.arm(at: later)
        let sooner = ContinuousClock.now + .milliseconds(50)
        _ = alarm.arm(at: sooner)
        let rang = try #require(await rings.next())
        #expect(rang >= sooner && rang < later)
        #expect(alarm.armedCount == 1)
        alarm.disarm(laterTicket)
        #expect(alarm.armedCount == 0)
    }

    @Test("a disarmed wait does not ring; the next armed one still does")
    func disarmedWaitDoesNotRing() async throws {
        let (alarm, iterator) = makeAlarm()
        var rings = iterator
        let first = alarm.arm(at: ContinuousClock.now + .milliseconds(30))
        let second = ContinuousClock.now + .milliseconds(150)
        _ = alarm.arm(at: second)
        alarm.disarm(first)
        let rang = try #require(await rings.next())
        #expect(rang >= second, "the first ring came \(second - rang) before the only wait still armed was due")
    }

    @Test("ringing(at:around:) disarms when the wait returns or throws; without a deadline it arms nothing")
    func ringingDisarms() async throws {
        let (alarm, _) = makeAlarm()
        let value = try await alarm.ringing(at: ContinuousClock.now + .seconds(5)) {
            #expect(alarm.armedCount == 1)
            return 7
        }
        #expect(value == 7)
        #expect(alarm.armedCount == 0)
        struct Failed: Error {}
        await #expect(throws: Failed.self) {
            try await alarm.ringing(at: ContinuousClock.now + .seconds(5)) { () async throws -> Int in throw Failed() }
        }
        #expect(alarm.armedCount == 0)
        try await alarm.ringing(at: nil) {
            #expect(alarm.armedCount == 0)
        }
    }
}
