import Deferrable

/// SQS counts visibility timeouts, delays and long-polling waits in whole seconds.
enum SQSTiming {
    /// SQS's longest visibility timeout: 12 hours.
    static let maximumVisibilitySeconds = 43_200
    /// SQS's longest long-polling wait.
    static let maximumWaitSeconds = 20

    /// `millis` in whole seconds, rounded up (0 for zero or less).
    static func wholeSeconds(roundingUp millis: Int64) -> Int {
        guard millis > 0 else { return 0 }
        let seconds = millis / 1000 + (millis % 1000 == 0 ? 0 : 1)
        return Int(clamping: seconds)
    }

    /// The visibility timeout of a lease: at least 1 s, the lease rounded up.
    /// - Throws: ``SQSBackendError/leaseTooLong(_:)`` past 12 hours.
    static func visibilitySeconds(for lease: Duration) throws(SQSBackendError) -> Int {
        let seconds = max(1, wholeSeconds(roundingUp: lease.wholeMilliseconds))
        guard seconds <= maximumVisibilitySeconds else { throw .leaseTooLong(lease) }
        return seconds
    }

    /// The long-polling wait of one receive with `remaining` to wait: its whole seconds, at most 20 s, so a wait
    /// outlasts its deadline by at most ``waitTolerance``; 0 (a short poll) when less than a second (minus the
    /// tolerance) remains.
    static func waitSeconds(for remaining: Duration) -> Int {
        guard remaining > .zero else { return 0 }
        let millis = remaining.wholeMilliseconds.addingSaturated(waitTolerance.wholeMilliseconds)
        return min(maximumWaitSeconds, Int(clamping: millis / 1000))
    }

    /// How much a long poll may outlast its wait: a wait of one second, measured a moment after it was asked for, is
    /// still one long poll rather than ten short ones.
    static let waitTolerance = Duration.milliseconds(50)

    /// The pause between short polls while less than a second of a wait remains.
    static let shortPollPause = Duration.milliseconds(100)
}
