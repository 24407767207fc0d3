import Foundation

/// The readable summary of a run: an aligned table written to standard error.
enum ResultTable {
    private static let headers = [
        "phase", "backend", "job", "n", "conc", "seconds", "jobs/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "cpu s",
        "peak RSS MB", "x ref", "notes",
    ]
    /// Columns aligned left (the others are numbers, aligned right).
    private static let leftAligned: Set<Int> = [0, 1, 2, 14]

    /// Renders `results` as lines of text.
    static func render(_ results: [PhaseResult]) -> String {
        let rows = [headers] + results.map(cells)
        let widths = headers.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        func line(_ row: [String]) -> String {
            row.indices.map { column in
                let cell = row[column]
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return leftAligned.contains(column) ? cell + pad : pad + cell
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(headers), rule] + rows.dropFirst().map(line)).joined(separator: "\n") + "\n"
    }

    /// Writes the table to standard error.
    static func print(_ results: [PhaseResult]) {
        StandardStreams.error("\n" + render(results))
    }

    private static func cells(_ result: PhaseResult) -> [String] {
        let latency = result.latency
        return [
            result.phase, result.backend, result.job, String(result.n), String(result.concurrency),
            format(result.seconds, decimals: 3), format(result.jobsPerSecond, decimals: 0),
            latency.map { format($0.p50, decimals: 3) } ?? "", latency.map { format($0.p90, decimals: 3) } ?? "",
            latency.map { format($0.p99, decimals: 3) } ?? "", latency.map { format($0.max, decimals: 3) } ?? "",
            result.cpuSeconds.map { format($0, decimals: 2) } ?? "", format(Double(result.peakRSSBytes) / 1_048_576, decimals: 1),
            result.ratioToReference.map { format($0, decimals: 2) } ?? "", notes(result),
        ]
    }

    private static func notes(_ result: PhaseResult) -> String {
        result.extra.compactMap { key, value -> String? in
            switch value {
            case .string(let text): "\(key)=\(text)"
            case .int(let number): "\(key)=\(number)"
            case .double(let number): "\(key)=\(format(number, decimals: key.hasSuffix("fraction") || key.hasSuffix("ratio") ? 4 : 1))"
            case .object, .null: nil
            }
        }.filter { !$0.hasPrefix("resident_") && !$0.hasPrefix("tool_") }.joined(separator: " ")
    }

    private static func format(_ value: Double, decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }
}
