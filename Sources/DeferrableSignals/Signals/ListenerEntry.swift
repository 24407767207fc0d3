import Deferrable

/// A connected listener: what reports show of it, and how it runs.
struct ListenerEntry<Payload: Sendable, Response: Sendable>: Sendable {
    enum Body: Sendable {
        /// Runs at once and answers; `defaultResponse` stands in when it throws.
        case immediate(@Sendable (Payload) async throws -> Response, defaultResponse: Response?)
        /// Pushes the payload as a job.
        case queued(@Sendable (Payload) async throws -> JobReceipt)
    }

    let listener: SignalListener
    let body: Body

    var isImmediate: Bool { immediate != nil }

    /// The listener as a collection runs it, when it is immediate.
    var immediate: ImmediateListener<Payload, Response>? {
        guard case .immediate(let body, let defaultResponse) = body else { return nil }
        return ImmediateListener(listener: listener, body: body, defaultResponse: defaultResponse)
    }
}
