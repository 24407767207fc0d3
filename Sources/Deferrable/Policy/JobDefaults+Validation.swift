extension JobDefaults {
    /// Throws ``DeferrableError/invalidDefaults(_:)`` for the first value out of range: `maxAttempts` outside
    /// 1…2³¹ − 1, a lease shorter than ``shortestLease`` or longer than ``EnvelopeBounds/longestDuration``,
    /// `maxEnvelopeBytes` not positive, a time limit or result TTL not positive or longer
    /// than 100 years, or `maxResultBytes` not positive.
    func validate() throws(DeferrableError) {
        if let problem = OptionBounds.problem(maxAttempts: maxAttempts) { throw .invalidDefaults(problem) }
        guard lease >= Self.shortestLease else {
            throw .invalidDefaults("lease must be at least \(Self.shortestLease) (got \(lease))")
        }
        if let problem = OptionBounds.problem(atMostLongest: lease, named: "lease") { throw .invalidDefaults(problem) }
        guard maxEnvelopeBytes > 0 else {
            throw .invalidDefaults("maxEnvelopeBytes must be positive (got \(maxEnvelopeBytes))")
        }
        if let timeLimit, let problem = OptionBounds.problem(timeLimit: timeLimit) { throw .invalidDefaults(problem) }
        if let problem = OptionBounds.problem(resultTTL: resultTTL) { throw .invalidDefaults(problem) }
        if let maxResultBytes, maxResultBytes <= 0 {
            throw .invalidDefaults("maxResultBytes must be positive (got \(maxResultBytes))")
        }
    }
}
