import Foundation

/// Runs blocking `work` (waiting for a child process, reading a pipe to its end, a blocking socket) on a thread of
/// its own and returns its result.
///
/// The tests run in parallel on Swift's cooperative pool, which has one thread per core: a test that blocked one
/// of them would stall the others, and their time bounds would fail for no fault of the code under test.
public func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// Runs blocking `work` on a thread of its own and returns its result (``offCooperativePool(_:)-(()->T)``).
public func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: work()) }.start()
    }
}

/// Starts blocking `work` on a thread of its own and returns at once: cleanup that a `defer` cannot await.
public func inBackground(_ work: @escaping @Sendable () -> Void) {
    Thread { work() }.start()
}
