import Logging

/// Settling a held job so that a lost reply does not undo its result.
extension Deferrable {
    /// The longest pause between two repeats of a failed settlement.
    static let maxSettleRepeatDelay = Duration.seconds(1)

    /// Settles a held job: stops extending its lease, then calls the backend; a call that throws (a timeout, a dropped
    /// connection: the settlement may or may not have taken effect) is repeated with the same lease token, which makes
    /// a repeat safe, until the lease's known deadline.
    ///
    /// The calls run where the calling task's cancellation cannot refuse them (a worker cancels running jobs when its
    /// grace period ends, and their hand-backs must still reach the backend).
    /// `tally` is what the settlement counts in the task statistics; it is dropped when the instance records none
    /// (``JobDefaults/recordsStatistics``) or the backend keeps none.
    /// - Returns: `false` if the lease was lost.
    /// - Throws: the last backend error when no call succeeded before the deadline; the job runs again once its lease
    ///   lapses.
    func settle(_ hold: LeaseHold, _ settlement: Settlement, tally: TaskTally?) async throws -> Bool {
        let deadline = hold.beginSettling()
        let job = hold.job
        let tally = countsStatistics ? tally : nil
        if Task.isCancelled {
            return try await Task { try await self.settle(job, settlement, tally: tally, until: deadline) }.value
        }
        return try await settle(job, settlement, tally: tally, until: deadline)
    }

    private func settle(
        _ job: LeasedJob, _ settlement: Settlement, tally: TaskTally?, until deadline: ContinuousClock.Instant
    ) async throws -> Bool {
        do {
            return try await backend.queue.settle(job, settlement, tally: tally)
        } catch {
            // On a task of its own, which is never cancelled: the repeats pause between calls.
            return try await Task {
                try await self.repeatSettlement(job, settlement, tally: tally, after: error, until: deadline)
            }.value
        }
    }

    private func repeatSettlement(
        _ job: LeasedJob,
        _ settlement: Settlement,
        tally: TaskTally?,
        after firstError: any Error,
        until deadline: ContinuousClock.Instant
    ) async throws -> Bool {
        logger.warning(
            "a settlement failed; repeating it until the lease deadline",
            metadata: [
                "job.id": "\(job.id)", "error": "\(firstError)",
                "deadline_in": "\(HumanDuration(max(.zero, ContinuousClock.now.duration(to: deadline))))",
            ])
        var lastError = firstError
        var pause = Duration.milliseconds(20)
        var calls = 1
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { break }
            try? await Task.sleep(for: min(pause, remaining))
            pause = min(pause * 2, Self.maxSettleRepeatDelay)
            guard ContinuousClock.now < deadline else { break }
            calls += 1
            do {
                let held = try await backend.queue.settle(job, settlement, tally: tally)
                logger.notice("settled after repeating the call", metadata: ["job.id": "\(job.id)", "calls": "\(calls)"])
                return held
            } catch {
                lastError = error
            }
        }
        logger.error(
            "could not settle before the lease deadline; the job runs again once its lease lapses",
            metadata: ["job.id": "\(job.id)", "calls": "\(calls)", "error": "\(lastError)"])
        throw lastError
    }
}
