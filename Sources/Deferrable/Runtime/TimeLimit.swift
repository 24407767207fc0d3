/// Runs `body`, cancelling it and throwing ``TimeLimitExceeded`` if it takes longer than `limit`.
func withTimeLimit(_ limit: Duration?, _ body: @escaping @Sendable () async throws -> Void) async throws {
    guard let limit else {
        try await body()
        return
    }
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TimeLimitExceeded(limit: limit)
        }
        defer { group.cancelAll() }
        try await group.next()
    }
}
