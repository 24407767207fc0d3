import Deferrable
import Testing

@Suite("Duration histogram")
struct DurationHistogramTests {
    @Test("buckets are exact below 8 µs, contiguous, and at most 1/8 of their lower bound wide")
    func bucketBounds() {
        for micros in 0..<8 {
            #expect(DurationHistogram.bucket(of: .microseconds(micros)) == micros)
        }
        var previousUpper: Int64 = 0
        for index in 0..<DurationHistogram.bucketCount {
            let (lower, upper) = DurationHistogram.bounds(of: index)
            #expect(lower == previousUpper, "bucket \(index) starts where \(index - 1) ends")
            #expect(upper > lower)
            if index >= 8 { #expect((upper - lower) * 8 <= lower) }
            #expect(DurationHistogram.bucket(of: .microseconds(lower)) == index)
            #expect(DurationHistogram.bucket(of: .microseconds(upper - 1)) == index)
            previousUpper = upper
        }
    }

    @Test("extreme durations land in the first and last buckets without trapping")
    func extremes() {
        #expect(DurationHistogram.bucket(of: .seconds(-5)) == 0)
        #expect(DurationHistogram.bucket(of: .zero) == 0)
        #expect(DurationHistogram.bucket(of: .seconds(Int64.max)) == DurationHistogram.bucketCount - 1)
        #expect(DurationHistogram.bounds(of: -3) == DurationHistogram.bounds(of: 0))
        #expect(DurationHistogram.bounds(of: 10_000) == DurationHistogram.bounds(of: DurationHistogram.bucketCount - 1))
    }

    @Test("percentiles are within 1/16 of the true value")
    func percentiles() throws {
        var counts: [Int: Int] = [:]
        // 1 ... 1000 ms, once each.
        for millis in 1...1000 { counts[DurationHistogram.bucket(of: .milliseconds(millis)), default: 0] += 1 }
        let read = try #require(DurationHistogram.percentiles(counts))
        #expect(read.samples == 1000)
        for (value, truth) in [(read.p50, 500.0), (read.p95, 950.0), (read.p99, 990.0)] {
            let millis = Double(value.components.seconds) * 1000 + Double(value.components.attoseconds) / 1e15
            #expect(abs(millis - truth) <= truth / 16, "\(millis) vs \(truth)")
        }
        #expect(DurationHistogram.percentiles([:]) == nil)
        #expect(DurationHistogram.percentiles([-1: 5, 3: 0, 99_999: 2]) == nil, "bad indexes and counts are ignored")
    }
}
