import Synchronization

/// A bounded wait ended before what it waited for happened.
public struct TimedOut: Error, CustomStringConvertible {
    /// What was waited for.
    public let what: String

    /// Creates the error.
    public init(what: String) {
        self.what = what
    }

    public var description: String { "timed out waiting for \(what)" }
}

/// Polls `condition` every 20 ms until it holds, or throws ``TimedOut`` once `timeout` has passed.
public func eventually(
    _ what: String,
    timeout: Duration = .seconds(5),
    _ condition: () async throws -> Bool
) async throws {
    guard try await eventually(within: timeout, condition) else { throw TimedOut(what: what) }
}

/// Polls `condition` every 20 ms until it holds or `limit` has passed; `true` if it held (it is checked once more
/// at the deadline).
public func eventually(within limit: Duration, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// Runs `operation` and returns what it returns, or throws ``TimedOut`` once `limit` has passed, whichever comes
/// first.
///
/// The operation runs on a task of its own, which is cancelled at the deadline and when the caller is cancelled.
/// `within` does not wait for that task to end: an operation that ignores cancellation is abandoned and keeps
/// running in the background, so a hung operation fails the test at the deadline instead of hanging it.
public func within<T: Sendable>(
    _ limit: Duration,
    _ what: String,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let race = FirstResult<T>()
    let work = Task { try await operation() }
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            race.begin(continuation)
            let timer = Task {
                try? await Task.sleep(for: limit)
                guard !Task.isCancelled else { return }
                race.finish(.failure(TimedOut(what: what)))
                work.cancel()
            }
            Task {
                let result = await work.result
                timer.cancel()
                race.finish(result)
            }
        }
    } onCancel: {
        work.cancel()
    }
}

/// Resumes a continuation with the first result offered; later ones are dropped.
private final class FirstResult<T: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<T, any Error>?>(nil)

    func begin(_ continuation: CheckedContinuation<T, any Error>) {
        self.continuation.withLock { $0 = continuation }
    }

    func finish(_ result: Result<T, any Error>) {
        let waiting = continuation.withLock { stored -> CheckedContinuation<T, any Error>? in
            defer { stored = nil }
            return stored
        }
        waiting?.resume(with: result)
    }
}
