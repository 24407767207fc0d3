/// A duration printed for people: `850ms`, `2.5s` (or `2s` without tenths), `3m 20s`, `2h 5m`, `3d 4h`.
///
/// Used by the worker's logs and by the `deferrable` CLI (which prints whole seconds).
package struct HumanDuration: Sendable, CustomStringConvertible {
    let duration: Duration
    let tenthsBelowAMinute: Bool

    /// - Parameters:
    ///   - duration: the duration to print.
    ///   - tenthsBelowAMinute: print durations from 1 s to 1 min with tenths (`2.5s`) rather than whole seconds.
    package init(_ duration: Duration, tenthsBelowAMinute: Bool = true) {
        self.duration = duration
        self.tenthsBelowAMinute = tenthsBelowAMinute
    }

    package var description: String {
        let millis = duration.wholeMilliseconds
        if millis < 0 {
            let magnitude = millis == .min ? .max : -millis
            return "-" + HumanDuration(.milliseconds(magnitude), tenthsBelowAMinute: tenthsBelowAMinute).description
        }
        if millis < 1000 { return "\(millis)ms" }
        if millis < 60_000, tenthsBelowAMinute {
            let tenths = (millis + 50) / 100
            return tenths % 10 == 0 ? "\(tenths / 10)s" : "\(tenths / 10).\(tenths % 10)s"
        }
        let seconds = millis / 1000
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return Self.pair(seconds / 60, "m", seconds % 60, "s") }
        if seconds < 86_400 { return Self.pair(seconds / 3600, "h", seconds % 3600 / 60, "m") }
        return Self.pair(seconds / 86_400, "d", seconds % 86_400 / 3600, "h")
    }

    private static func pair(_ major: Int64, _ majorUnit: String, _ minor: Int64, _ minorUnit: String) -> String {
        minor == 0 ? "\(major)\(majorUnit)" : "\(major)\(majorUnit) \(minor)\(minorUnit)"
    }
}
