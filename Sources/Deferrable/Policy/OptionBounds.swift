/// The ranges of option values, shared by ``JobOptions`` and ``JobDefaults``: each check returns what is wrong with a
/// value, or `nil` when it is fine. The bounds are those of the wire format (``EnvelopeBounds``), so every envelope
/// the options produce can be read back.
enum OptionBounds {
    /// A `maxAttempts` value: 1 to 2³¹ − 1.
    static func problem(maxAttempts: Int) -> String? {
        let range = EnvelopeBounds.maxAttempts
        if maxAttempts < range.lowerBound { return "maxAttempts must be at least \(range.lowerBound) (got \(maxAttempts))" }
        if maxAttempts > range.upperBound { return "maxAttempts must be at most \(range.upperBound) (got \(maxAttempts))" }
        return nil
    }

    /// A time limit: positive, at most ``EnvelopeBounds/longestDuration``.
    static func problem(timeLimit: Duration) -> String? {
        guard timeLimit > .zero else { return "timeLimit must be positive (got \(timeLimit))" }
        return problem(atMostLongest: timeLimit, named: "timeLimit")
    }

    /// A result TTL: at least one millisecond, at most ``EnvelopeBounds/longestDuration``.
    static func problem(resultTTL: Duration) -> String? {
        guard resultTTL >= .milliseconds(1) else { return "resultTTL must be at least 1 ms (got \(resultTTL))" }
        return problem(atMostLongest: resultTTL, named: "resultTTL")
    }

    /// A duration no longer than ``EnvelopeBounds/longestDuration`` (100 years).
    static func problem(atMostLongest duration: Duration, named name: String) -> String? {
        guard duration > EnvelopeBounds.longestDuration else { return nil }
        return "\(name) must be at most 100 years (\(EnvelopeBounds.longestDurationMillis) ms; got \(duration))"
    }
}
