/// Runs `body` with `resource`, then `close`s it whether `body` threw or not; errors come out as ``CLIError``.
func withClosing<Resource, T>(
    _ resource: Resource, close: (Resource) async -> Void, _ body: (Resource) async throws -> T
) async throws -> T {
    do {
        let result = try await body(resource)
        await close(resource)
        return result
    } catch {
        await close(resource)
        throw CLIError.wrapping(error)
    }
}
