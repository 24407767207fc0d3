/// Calls at a fixed rate, for the phases that send jobs one by one from one task.
enum FixedRate {
    /// Calls `body` with 0, 1, ... `count - 1`, call `seq` at `seq` intervals after the first (at once when late).
    /// - Returns: when the first call was made.
    @discardableResult
    static func run(
        count: Int, perSecond rate: Int, _ body: (Int) async throws -> Void
    ) async throws -> ContinuousClock.Instant {
        let interval = Duration.seconds(1) / rate
        let start = ContinuousClock.now
        for seq in 0..<count {
            let due = start + interval * seq
            if ContinuousClock.now < due {
                try await Task.sleep(until: due, tolerance: .microseconds(50), clock: .continuous)
            }
            try await body(seq)
        }
        return start
    }
}
