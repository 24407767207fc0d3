import Deferrable

/// What the queues of one group share: the client, the settings, and the two queues by name.
struct SQSGroup: Sendable {
    let name: String
    let client: SQSClient
    let settings: SQSBackendSettings
    let directory: SQSQueueDirectory
    /// `<prefix>-<group>`.
    let mainQueueName: String
    /// `<prefix>-<group>-errors`.
    let errorQueueName: String
    /// Progress of settlements whose last call failed, so a repeat finishes them instead of doing them twice; one per
    /// backend (a consumer repeats a settlement through the backend it popped from).
    let settlements: SQSSettlementMemo
    let clock: any DeferrableClock

    /// The main queue: jobs are kept up to SQS's longest retention (14 days from each send).
    func mainQueue() async throws -> SQSQueueDirectory.Queue {
        try await directory.queue(
            named: mainQueueName,
            attributes: ["MessageRetentionPeriod": String(SQSQueueDirectory.maximumRetentionSeconds)])
    }

    /// The error queue: entries are kept for the error queue limits' `maxAge`, within SQS's 60 s to 14 days.
    func errorQueue() async throws -> SQSQueueDirectory.Queue {
        let seconds = max(0, settings.errorQueueLimits.maxAge.wholeMilliseconds / 1000)
        let retention = min(max(seconds, 60), Int64(SQSQueueDirectory.maximumRetentionSeconds))
        return try await directory.queue(named: errorQueueName, attributes: ["MessageRetentionPeriod": String(retention)])
    }
}
