import Synchronization

/// Combines concurrent calls of one kind into batches, so that many concurrent callers share one backend call.
///
/// A call made while fewer than `maxInFlight` batches are in flight and nobody is queued goes out at once, alone,
/// on the caller's own task (a lone caller pays no delay and no task hop). A call made while the limit is reached
/// waits; when a batch completes, everything queued (up to `maxBatch` calls and `maxBytes` of request size, but at
/// least one call) goes out together as the next batch.
/// Each caller gets its own response, or the batch's error.
///
/// A queued caller cannot be cancelled: it waits for its batch, which is bounded by the backend's call timeout.
package final class RequestCoalescer<Request: Sendable, Response: Sendable>: Sendable {
    /// Sends a batch; must return one response per request, in order.
    package typealias Send = @Sendable ([Request]) async throws -> [Response]

    private struct Waiter: @unchecked Sendable {
        // Unchecked: the continuation is resumed exactly once, by whichever task sends the waiter's batch.
        let request: Request
        let continuation: UnsafeContinuation<Response, any Error>
    }

    private struct State {
        var queued: [Waiter] = []
        var inFlight = 0
    }

    private let state = Mutex(State())
    private let limit: BatchLimit
    private let size: @Sendable (Request) -> Int
    private let maxInFlight: Int
    private let send: Send

    /// Creates a coalescer.
    ///
    /// - Parameters:
    ///   - maxBatch: most requests per batch.
    ///   - maxBytes: most request bytes per batch, as measured by `size` (a batch always takes at least one call).
    ///   - size: the size of one request in bytes.
    ///   - maxInFlight: most batches in flight at once (a pipelined connection carries them concurrently).
    ///   - send: sends one batch.
    package init(
        maxBatch: Int,
        maxBytes: Int = .max,
        size: @escaping @Sendable (Request) -> Int = { _ in 0 },
        maxInFlight: Int,
        send: @escaping Send
    ) {
        self.limit = BatchLimit(maxCount: maxBatch, maxBytes: maxBytes)
        self.size = size
        self.maxInFlight = max(1, maxInFlight)
        self.send = send
    }

    /// Calls waiting for a batch (for tests and diagnostics).
    package var queuedCount: Int {
        state.withLock { $0.queued.count }
    }

    /// Sends `request`, alone or with the calls queued beside it, and returns its response.
    package func submit(_ request: Request) async throws -> Response {
        let alone = state.withLock { state in
            guard state.queued.isEmpty, state.inFlight < maxInFlight else { return false }
            state.inFlight += 1
            return true
        }
        if alone {
            let outcome: Result<[Response], any Error>
            do {
                outcome = .success(try await send([request]))
            } catch {
                outcome = .failure(error)
            }
            if let batch = endFlight() {
                Task { await self.run(batch) }
            }
            let responses = try outcome.get()
            guard responses.count == 1 else { throw ResponseCountMismatch(expected: 1, got: responses.count) }
            return responses[0]
        }
        return try await withUnsafeThrowingContinuation { continuation in
            let batch = state.withLock { state in
                state.queued.append(Waiter(request: request, continuation: continuation))
                return takeBatch(&state)
            }
            if let batch {
                Task { await self.run(batch) }
            }
        }
    }

    /// Takes the next batch if a flight is free, counting it as in flight.
    private func takeBatch(_ state: inout State) -> [Waiter]? {
        guard !state.queued.isEmpty, state.inFlight < maxInFlight else { return nil }
        state.inFlight += 1
        let count = limit.fittingCount(of: state.queued) { size($0.request) }
        if count == state.queued.count {
            defer { state.queued = [] }
            return state.queued
        }
        let batch = Array(state.queued.prefix(count))
        state.queued.removeFirst(count)
        return batch
    }

    /// Ends a flight and returns the next batch to send in its place, if any is queued.
    private func endFlight() -> [Waiter]? {
        state.withLock { state in
            state.inFlight -= 1
            return takeBatch(&state)
        }
    }

    /// Sends batches until nothing is queued, resuming every waiter.
    private func run(_ first: [Waiter]) async {
        var batch = first
        while true {
            do {
                let responses = try await send(batch.map(\.request))
                if responses.count == batch.count {
                    for (waiter, response) in zip(batch, responses) {
                        waiter.continuation.resume(returning: response)
                    }
                } else {
                    let error = ResponseCountMismatch(expected: batch.count, got: responses.count)
                    for waiter in batch { waiter.continuation.resume(throwing: error) }
                }
            } catch {
                for waiter in batch { waiter.continuation.resume(throwing: error) }
            }
            guard let next = endFlight() else { return }
            batch = next
        }
    }
}

/// A batch's send function returned a different number of responses than it was given requests (a defect of the
/// backend that sent it).
package struct ResponseCountMismatch: Error, CustomStringConvertible {
    package let expected: Int
    package let got: Int

    package var description: String { "expected \(expected) replies, got \(got)" }
}
