/// An immediate listener: its body and the default that stands in when it throws.
struct ImmediateListener<Payload: Sendable, Response: Sendable>: Sendable {
    let listener: SignalListener
    let body: @Sendable (Payload) async throws -> Response
    let defaultResponse: Response?

    /// Its answer to `payload`.
    func answer(_ payload: Payload) async -> Result<Response, any Error> {
        do {
            return .success(try await body(payload))
        } catch {
            return .failure(error)
        }
    }
}
