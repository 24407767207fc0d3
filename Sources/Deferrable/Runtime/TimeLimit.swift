/// Runs `body`, cancelling it and throwing ``TimeLimitExceeded`` if it takes longer than `limit`.
///
/// When the calling task is cancelled (e.g. worker shutdown) the body is cancelled with it and its own result
/// decides: a body that still finishes successfully is a success.
func withTimeLimit(_ limit: Duration?, _ body: @escaping @Sendable () async throws -> Void) async throws {
    guard let limit else {
        try await body()
        return
    }
    enum Finished: Sendable {
        case body
        case timer(timedOut: Bool)
    }
    try await withThrowingTaskGroup(of: Finished.self) { group in
        group.addTask {
            try await body()
            return .body
        }
        group.addTask {
            do {
                try await Task.sleep(for: limit)
                return .timer(timedOut: true)
            } catch {
                return .timer(timedOut: false)
            }
        }
        while let finished = try await group.next() {
            switch finished {
            case .body:
                group.cancelAll()
                return
            case .timer(timedOut: true):
                group.cancelAll()
                throw TimeLimitExceeded(limit: limit)
            case .timer(timedOut: false):
                continue
            }
        }
    }
}
