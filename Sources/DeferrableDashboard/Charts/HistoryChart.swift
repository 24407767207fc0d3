import Deferrable

/// An inline SVG bar chart of task history: a bar per bucket for the runs that ended in it, the failed part in red.
struct HistoryChart: Sendable {
    /// The buckets, oldest first.
    let buckets: [HistoryBucket]

    /// The history of several groups summed bucket by bucket (buckets of the same start are added), oldest first.
    init(summing histories: [[HistoryBucket]]) {
        var sums: [Int64: TaskCounts] = [:]
        for history in histories {
            for bucket in history { sums[bucket.startMillis, default: TaskCounts()].add(bucket.counts) }
        }
        buckets = sums.sorted { $0.key < $1.key }.map { HistoryBucket(startMillis: $0.key, counts: $0.value) }
    }

    private static let width = 960
    private static let height = 180
    private static let axis = 40

    /// The chart, with a title per bar (its time and counts) and the largest value on the axis.
    var svg: HTML {
        let plotWidth = Self.width - Self.axis
        let highest = max(1, buckets.map(\.counts.total).max() ?? 0)
        let slot = buckets.isEmpty ? plotWidth : max(1, plotWidth / buckets.count)
        let bars: [HTML] = buckets.enumerated().map { index, bucket in
            let total = bucket.counts.total
            let failed = bucket.counts.failed
            let x = Self.axis + index * slot
            let barWidth = max(1, slot - 1)
            let totalHeight = Self.scaled(total, of: highest)
            let failedHeight = Self.scaled(failed, of: highest)
            let label =
                "\(DisplayFormat.time(millis: bucket.startMillis)): \(total) processed, \(failed) failed"
            return """
                <g><title>\(label)</title>\
                <rect x="\(x)" y="\(Self.height - totalHeight)" width="\(barWidth)" height="\(totalHeight)" fill="#2e90fa"/>\
                <rect x="\(x)" y="\(Self.height - failedHeight)" width="\(barWidth)" height="\(failedHeight)" fill="#d92d20"/></g>
                """
        }
        return """
            <svg class="chart" role="img" aria-label="processed and failed runs" viewBox="0 0 \(Self.width) \(Self.height + 20)" \
            width="100%" preserveAspectRatio="none" xmlns="http://www.w3.org/2000/svg">
            <line x1="\(Self.axis)" y1="\(Self.height)" x2="\(Self.width)" y2="\(Self.height)" stroke="#9aa3b5"/>
            <text x="0" y="12" font-size="11" fill="#6b7385">\(highest)</text>
            <text x="0" y="\(Self.height)" font-size="11" fill="#6b7385">0</text>
            \(bars)
            </svg>
            <p class="legend"><span class="swatch-ok">■ processed</span><span class="swatch-failed">■ failed</span></p>
            """
    }

    /// `value`'s bar height in a chart whose tallest bar is `highest` (a value above zero is at least 1 pixel).
    private static func scaled(_ value: Int, of highest: Int) -> Int {
        guard value > 0 else { return 0 }
        let height = Double(value) / Double(highest) * Double(Self.height - 4)
        return max(1, min(Self.height, Int(height.rounded())))
    }
}
