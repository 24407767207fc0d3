extension Duration {
    /// The duration in whole milliseconds, rounded toward zero (the unit of the wire format); a duration beyond
    /// what `Int64` milliseconds hold (about 292 million years) is `Int64.max` or `Int64.min`.
    public var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedSaturated(by: 1000).addingSaturated(attoseconds / 1_000_000_000_000_000)
    }

    /// The duration in whole nanoseconds, rounded toward zero; a duration beyond what `Int64` nanoseconds hold
    /// (about 292 years) is `Int64.max` or `Int64.min`.
    public var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedSaturated(by: 1_000_000_000).addingSaturated(attoseconds / 1_000_000_000)
    }
}
