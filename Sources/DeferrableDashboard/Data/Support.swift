/// A part of a backend that may be missing: backends without task statistics, worker heartbeats or queue inspection
/// say so instead of failing.
enum Support<Value: Sendable>: Sendable {
    /// The backend offers the part; its value.
    case available(Value)
    /// The backend does not offer the part.
    case unsupported

    /// The value, or `nil` when unsupported.
    var value: Value? {
        if case .available(let value) = self { value } else { nil }
    }

    /// Reads the part from `provider` with `read`, or ``unsupported`` when `provider` is `nil`.
    static func read<Provider>(_ provider: Provider?, _ read: (Provider) async throws -> Value) async rethrows -> Support {
        guard let provider else { return .unsupported }
        return .available(try await read(provider))
    }
}
