import Deferrable
import Testing

@Suite("Human-readable durations")
struct HumanDurationTests {
    @Test(
        "the worker's logs print tenths below a minute; the CLI whole seconds",
        arguments: [
            (Duration.milliseconds(850), "850ms", "850ms"),
            (.milliseconds(2500), "2.5s", "2s"),
            (.seconds(42), "42s", "42s"),
            (.seconds(200), "3m 20s", "3m 20s"),
            (.seconds(3600), "1h", "1h"),
            (.seconds(7500), "2h 5m", "2h 5m"),
            (.seconds(288_000), "3d 8h", "3d 8h"),
            (.milliseconds(-1500), "-1.5s", "-1s"),
        ])
    func formats(duration: Duration, withTenths: String, wholeSeconds: String) {
        #expect(HumanDuration(duration).description == withTenths)
        #expect(HumanDuration(duration, tenthsBelowAMinute: false).description == wholeSeconds)
    }

    @Test("durations beyond Int64 milliseconds print as the largest ones, never a trap")
    func extremes() {
        #expect(HumanDuration(.seconds(Int64.max)).description == "106751991167d 7h")
        #expect(HumanDuration(.seconds(Int64.min)).description == "-106751991167d 7h")
        #expect(HumanDuration(.milliseconds(Int64.min)).description == "-106751991167d 7h")
    }
}
