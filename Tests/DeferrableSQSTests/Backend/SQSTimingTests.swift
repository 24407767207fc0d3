import Testing

@testable import DeferrableSQS

/// How leases, delays and waits become SQS's whole seconds.
@Suite("SQS timing")
struct SQSTimingTests {
    @Test("a wait of about a second is one long poll; less is a short poll; more than 20 s is polled in 20 s steps")
    func waits() {
        #expect(SQSTiming.waitSeconds(for: .zero) == 0)
        #expect(SQSTiming.waitSeconds(for: .milliseconds(500)) == 0)
        #expect(SQSTiming.waitSeconds(for: .milliseconds(999)) == 1, "a 1 s wait measured a moment later")
        #expect(SQSTiming.waitSeconds(for: .milliseconds(1500)) == 1)
        #expect(SQSTiming.waitSeconds(for: .seconds(60)) == 20)
        #expect(SQSTiming.waitSeconds(for: .seconds(-3)) == 0)
    }

    @Test("leases round up to whole seconds, at least 1 s; longer than 12 hours is refused")
    func leases() throws {
        #expect(try SQSTiming.visibilitySeconds(for: .milliseconds(1)) == 1)
        #expect(try SQSTiming.visibilitySeconds(for: .milliseconds(1001)) == 2)
        #expect(try SQSTiming.visibilitySeconds(for: .seconds(43_200)) == 43_200)
        #expect(throws: SQSBackendError.self) { try SQSTiming.visibilitySeconds(for: .seconds(43_201)) }
    }

    @Test("delays round up to whole seconds and never trap")
    func delays() {
        #expect(SQSTiming.wholeSeconds(roundingUp: 0) == 0)
        #expect(SQSTiming.wholeSeconds(roundingUp: -5) == 0)
        #expect(SQSTiming.wholeSeconds(roundingUp: 1) == 1)
        #expect(SQSTiming.wholeSeconds(roundingUp: 1000) == 1)
        #expect(SQSTiming.wholeSeconds(roundingUp: .max) > 0)
    }
}
