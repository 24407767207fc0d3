/// A ``CircuitBreaker`` or ``CircuitBreakerPolicy`` set up wrongly.
public enum CircuitBreakerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A policy value is out of range; the text names it and its range.
    case invalidPolicy(String)
    /// A breaker name is empty, longer than 200 bytes, or holds a character other than letters, digits, `.`, `_`,
    /// `-` and `:`.
    case invalidName(String)

    public var description: String {
        switch self {
        case .invalidPolicy(let reason): "invalid circuit breaker policy: \(reason)"
        case .invalidName(let name): "invalid circuit breaker name '\(name)': 1 to 200 of letters, digits, '.', '_', '-', ':'"
        }
    }
}

/// Thrown by ``CircuitBreaker/run(_:)`` instead of calling its body while the circuit is open (or held open, or
/// half-open with every probe place taken).
public struct CircuitOpen: Error, Sendable, Equatable, CustomStringConvertible {
    /// The breaker's name.
    public let breaker: String
    /// When the circuit may admit a call again (epoch milliseconds of the breaker's clock), or `nil` while it is held
    /// open by hand.
    public let mayCloseAtMillis: Int64?
    /// How long from the rejection until ``mayCloseAtMillis`` (zero or more), or `nil` while held open.
    public let retryAfter: Duration?

    /// Creates the error.
    public init(breaker: String, mayCloseAtMillis: Int64?, retryAfter: Duration?) {
        self.breaker = breaker
        self.mayCloseAtMillis = mayCloseAtMillis
        self.retryAfter = retryAfter
    }

    public var description: String {
        guard let retryAfter else { return "circuit '\(breaker)' is held open" }
        return "circuit '\(breaker)' is open; it may admit a call in \(retryAfter)"
    }
}
