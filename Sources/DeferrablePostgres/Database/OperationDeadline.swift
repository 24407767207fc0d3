import Synchronization

/// Runs an operation with a deadline that really ends the wait: when the deadline passes first the caller gets
/// ``PostgresBackendError/timedOut(operation:after:)`` at once, and the operation is cancelled and left to finish on
/// its own (a call blocked inside the driver cannot hold its caller).
enum OperationDeadline {
    private struct State<Result: Sendable>: ~Copyable {
        var continuation: CheckedContinuation<Result, any Error>?
        var work: Task<Void, Never>?
        var timer: Task<Void, Never>?
    }

    static func run<Result: Sendable>(
        _ operation: String, timeout: Duration, _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        try Task.checkCancellation()
        let state = Mutex(State<Result>())
        // Resumes the caller once; the first outcome wins and stops the other tasks.
        let finish: @Sendable (Swift.Result<Result, any Error>) -> Void = { result in
            let (continuation, work, timer) = state.withLock { state in
                let taken = (state.continuation, state.work, state.timer)
                state.continuation = nil
                return taken
            }
            guard let continuation else { return }
            timer?.cancel()
            if case .failure = result { work?.cancel() }
            continuation.resume(with: result)
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
                state.withLock { $0.continuation = continuation }
                let work = Task {
                    do { finish(.success(try await body())) } catch { finish(.failure(error)) }
                }
                let timer = Task {
                    do {
                        try await Task.sleep(for: timeout)
                        finish(.failure(PostgresBackendError.timedOut(operation: operation, after: timeout)))
                    } catch {}
                }
                let finished = state.withLock { state in
                    state.work = work
                    state.timer = timer
                    return state.continuation == nil
                }
                // The work may have finished before the tasks were stored.
                if finished { timer.cancel() }
            }
        } onCancel: {
            finish(.failure(CancellationError()))
        }
    }
}
