/// What a ``Dashboard`` allows and how it looks.
public struct DashboardConfiguration: Sendable {
    /// Whether the error-queue actions (requeue one, requeue all, delete, purge) are offered. Off by default: the
    /// dashboard is read-only and refuses every POST with `403`.
    public var allowsActions: Bool
    /// The access token every request must carry (`Authorization: Bearer …`, the cookie set by `?token=…`), or `nil`
    /// for none. Needed to serve on an address other than loopback; 16 to 256 characters from `A–Z a–z 0–9 - . _ ~`.
    public var token: String?
    /// Seconds between automatic reloads of the pages that show live numbers (overview, tasks, workers, queue),
    /// `1 ... 3600`; `nil` for none.
    public var refreshSeconds: Int?
    /// The name shown in the navigation bar and page titles.
    public var title: String

    /// Creates a configuration.
    public init(allowsActions: Bool = false, token: String? = nil, refreshSeconds: Int? = 10, title: String = "Deferrable") {
        self.allowsActions = allowsActions
        self.token = token
        self.refreshSeconds = refreshSeconds
        self.title = title
    }

    /// Checks the values.
    /// - Throws: ``DashboardConfigurationError/invalidToken(_:)`` or ``DashboardConfigurationError/invalidRefresh(_:)``.
    public func validate() throws(DashboardConfigurationError) {
        if let token {
            guard (16...256).contains(token.utf8.count) else { throw .invalidToken("it must be 16 to 256 characters long") }
            let allowed = token.utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || "-._~".utf8.contains(byte)
            }
            guard allowed else { throw .invalidToken("only letters, digits, '-', '.', '_' and '~' are allowed") }
        }
        if let refreshSeconds, !(1...3600).contains(refreshSeconds) {
            throw .invalidRefresh(refreshSeconds)
        }
    }
}

/// Why a dashboard cannot be created or started.
public enum DashboardConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The access token is not acceptable.
    case invalidToken(String)
    /// The refresh interval is outside `1 ... 3600` seconds.
    case invalidRefresh(Int)
    /// Serving on an address other than loopback needs an access token.
    case tokenRequired(bind: String)
    /// The port is outside `0 ... 65535`.
    case invalidPort(Int)

    public var description: String {
        switch self {
        case .invalidToken(let reason): "invalid dashboard token: \(reason)"
        case .invalidRefresh(let seconds): "invalid refresh interval \(seconds) s: it must be 1 to 3600 seconds"
        case .tokenRequired(let bind):
            "refusing to serve the dashboard on \(bind) without an access token: pass --token, or bind to 127.0.0.1"
        case .invalidPort(let port): "invalid port \(port): it must be 0 to 65535"
        }
    }
}
