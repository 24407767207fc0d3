/// Measures the wall time and CPU time of a phase's timed section.
struct PhaseMeter {
    private let startInstant = ContinuousClock.now
    private let startUsage = ResourceUsage.now()

    /// Starts measuring.
    init() {}

    /// What was measured since ``init()``.
    func stop() -> Reading {
        let elapsed = startInstant.duration(to: .now)
        let usage = ResourceUsage.now()
        return Reading(
            seconds: elapsed.seconds, cpuSeconds: usage.cpuSeconds - startUsage.cpuSeconds, peakRSSBytes: usage.peakRSSBytes)
    }

    /// Wall seconds, CPU seconds and peak RSS of a measured section.
    struct Reading {
        /// Wall-clock seconds.
        var seconds: Double
        /// CPU seconds (user + system) of the whole process during the section.
        var cpuSeconds: Double
        /// Peak RSS of the process at the end of the section, in bytes.
        var peakRSSBytes: Int

        /// Nothing measured yet.
        static let zero = Reading(seconds: 0, cpuSeconds: 0, peakRSSBytes: 0)

        /// Adds another section's times (and keeps the higher peak RSS).
        mutating func add(_ other: Reading) {
            seconds += other.seconds
            cpuSeconds += other.cpuSeconds
            peakRSSBytes = max(peakRSSBytes, other.peakRSSBytes)
        }
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
