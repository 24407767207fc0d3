import ArgumentParser

/// What each benchmark job does when it runs.
enum JobKind: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// Nothing: measures the queue alone.
    case noop
    /// One `INCR` on a Redis key through a client of its own (not the backend's), as external harnesses do.
    case incr
}
