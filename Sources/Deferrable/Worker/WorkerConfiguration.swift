extension Worker {
    /// How a ``Worker`` runs jobs, shuts down, and rides out backend outages.
    public struct Configuration: Sendable {
        /// Jobs run at the same time in this process, across all groups (default 5).
        public var concurrency: Int
        /// How long running jobs may take to finish after a graceful shutdown begins before they are cancelled
        /// and handed back (default 25 s, like Sidekiq; keep it below your orchestrator's kill timeout).
        public var gracePeriod: Duration
        /// Time limit of jobs that set none themselves (neither in ``JobOptions`` nor in the instance's
        /// ``JobDefaults``); `nil` (the default) for no limit.
        public var defaultTimeLimit: Duration?
        /// Runs slower than this are logged at `warning` with their duration; `nil` turns the warning off
        /// (default 30 s).
        public var slowJobThreshold: Duration?
        /// How long an idle slot blocks in the backend waiting for a job before it looks again (default 1 s).
        /// With several groups, a slot blocks on one group at a time (rotating), so a job pushed to a group no
        /// slot is blocked on waits at most this long.
        public var idleWait: Duration
        /// First pause after the backend failed (default 100 ms); doubled on each further failure.
        public var backendRetryInitialDelay: Duration
        /// Longest pause between attempts while the backend is down (default 5 s). Pauses are jittered.
        public var backendRetryMaxDelay: Duration
        /// Adds a ``MetricsObserver`` to each instance that has none (default `true`). Without a bootstrapped
        /// metrics backend swift-metrics discards the values.
        public var reportsMetrics: Bool
        /// How often the worker writes its heartbeat (``WorkerHeartbeat``) to each group's ``WorkerDirectory``
        /// (default 5 s; clamped to 50 ms ... 12 h). A heartbeat stays listed for two intervals, so a worker that
        /// stops beating disappears within two intervals.
        public var heartbeatInterval: Duration

        /// Creates a configuration.
        public init(
            concurrency: Int = 5,
            gracePeriod: Duration = .seconds(25),
            defaultTimeLimit: Duration? = nil,
            slowJobThreshold: Duration? = .seconds(30),
            idleWait: Duration = .seconds(1),
            backendRetryInitialDelay: Duration = .milliseconds(100),
            backendRetryMaxDelay: Duration = .seconds(5),
            reportsMetrics: Bool = true,
            heartbeatInterval: Duration = .seconds(5)
        ) {
            self.concurrency = concurrency
            self.gracePeriod = gracePeriod
            self.defaultTimeLimit = defaultTimeLimit
            self.slowJobThreshold = slowJobThreshold
            self.idleWait = idleWait
            self.backendRetryInitialDelay = backendRetryInitialDelay
            self.backendRetryMaxDelay = backendRetryMaxDelay
            self.reportsMetrics = reportsMetrics
            self.heartbeatInterval = heartbeatInterval
        }
    }
}
