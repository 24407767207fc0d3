import Deferrable
import Foundation

/// Human-readable times, durations, sizes and counts.
enum Format {
    /// `850ms`, `42s`, `3m 20s`, `2h 5m`, `3d 4h`.
    static func duration(_ duration: Duration) -> String {
        HumanDuration(duration, tenthsBelowAMinute: false).description
    }

    /// A short latency: `85µs`, `1.25ms`, `420ms`, then as ``duration(_:)``.
    static func latency(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        guard seconds < 1 else { return Self.duration(duration) }
        let micros = max(0, seconds) * 1_000_000 + attoseconds / 1_000_000_000_000
        if micros < 1000 { return "\(micros)µs" }
        if micros < 10_000 { return String(format: "%.2fms", Double(micros) / 1000) }
        return "\(micros / 1000)ms"
    }

    /// `"3m 20s ago"` for an epoch-milliseconds time before `now`.
    static func ago(_ millis: Int64, now: Int64) -> String {
        millis > now
            ? "in " + duration(.milliseconds(millis.subtractingSaturated(now)))
            : duration(.milliseconds(now.subtractingSaturated(millis))) + " ago"
    }

    /// `512 B`, `1.5 KiB`, `3.2 MiB`.
    static func size(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        let units = ["KiB", "MiB", "GiB"]
        var value = Double(bytes) / 1024
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return String(format: value < 10 ? "%.1f %@" : "%.0f %@", value, units[unit])
    }

    /// `12,345`.
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        return value < 0 ? "-" + grouped : grouped
    }

    /// ISO 8601 UTC with milliseconds, for epoch milliseconds.
    static func timestamp(_ millis: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }

    /// `text` cut to `width` characters with a trailing `…`, on one line.
    static func truncated(_ text: String, to width: Int) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count <= width ? flat : String(flat.prefix(max(0, width - 1))) + "…"
    }

    /// The current time in epoch milliseconds.
    static var nowMillis: Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
}
