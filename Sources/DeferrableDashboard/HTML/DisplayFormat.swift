import Foundation

/// How the pages write numbers, durations and times.
enum DisplayFormat {
    /// A duration with a unit fitting its size: `850 µs`, `12.5 ms`, `3.2 s`, `4 min 5 s`, `2 h 3 min`.
    static func duration(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 else { return "0 µs" }
        if seconds >= 3600 { return "\(seconds / 3600) h \(seconds % 3600 / 60) min" }
        if seconds >= 60 { return "\(seconds / 60) min \(seconds % 60) s" }
        let micros = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        if micros < 1000 { return "\(micros) µs" }
        if micros < 1_000_000 { return decimal(micros, per: 1000) + " ms" }
        return decimal(micros, per: 1_000_000) + " s"
    }

    /// An epoch-millisecond time in UTC: `2026-12-02 02:40:11 UTC`.
    static func time(millis: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(millis) / 1000)
        let style = Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day().dateSeparator(.dash).time(
            includingFractionalSeconds: false
        ).timeSeparator(.colon).dateTimeSeparator(.space)
        return date.formatted(style) + " UTC"
    }

    /// An optional epoch-millisecond time, `–` when absent.
    static func time(millis: Int64?) -> String {
        millis.map { time(millis: $0) } ?? "–"
    }

    /// `text` cut to `limit` characters with `…` when longer.
    static func truncated(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }

    /// Bytes as text (invalid UTF-8 replaced), cut to `limit` bytes.
    static func text(of bytes: [UInt8], limit: Int) -> String {
        let shown = String(decoding: bytes.prefix(limit), as: UTF8.self)
        return bytes.count > limit ? shown + "… (\(bytes.count) bytes)" : shown
    }

    /// `value / unit` with one decimal (`12.5`), without the decimal from 100 on (`250`).
    private static func decimal(_ value: Int64, per unit: Int64) -> String {
        let tenths = value * 10 / unit
        return tenths >= 1000 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
    }
}
