/// Saturating arithmetic for times, durations and counts: a result beyond the type is its nearest bound instead of a
/// trap, so no value read from outside (an envelope, a backend's counters, a server's clock, an option) can crash a
/// consumer.
extension FixedWidthInteger where Self: SignedInteger {
    /// `self + other`, or `max` / `min` when the sum does not fit.
    package func addingSaturated(_ other: Self) -> Self {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// Adds `other` to `self`, saturating (see ``addingSaturated(_:)``).
    package mutating func addSaturated(_ other: Self) {
        self = addingSaturated(other)
    }

    /// `self - other`, or `max` / `min` when the difference does not fit.
    package func subtractingSaturated(_ other: Self) -> Self {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other < 0 ? .max : .min
    }

    /// `self × other`, or `max` / `min` when the product does not fit.
    package func multipliedSaturated(by other: Self) -> Self {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        guard overflow else { return product }
        return (self < 0) == (other < 0) ? .max : .min
    }
}
