import ArgumentParser

/// What runs the jobs in the `drain` and `latency` phases.
enum DrainDriver: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// A `Worker` with concurrency C (the production consumer).
    case worker
    /// C tasks looping `runOnce(waitingUpTo:)` (`.zero` in `drain`, a blocking wait in `latency`).
    case tasks

    /// The name printed in the JSON output.
    var label: String {
        switch self {
        case .worker: "Worker"
        case .tasks: "runOnce-tasks"
        }
    }
}
