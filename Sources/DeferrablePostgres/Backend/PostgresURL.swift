import Foundation
import PostgresNIO

/// Reads `postgres://user:password@host:port/database?sslmode=MODE` into a client configuration.
enum PostgresURL {
    /// Parses `url`. The scheme is `postgres` or `postgresql`; the user is required; the port defaults to 5432; the
    /// database to the user's name. `sslmode` is `disable`, `prefer` (the default, as in libpq) or `require`
    /// (`verify-full` is accepted as a synonym: the system trust store and host name are always checked when TLS is
    /// used). Percent-escapes in the user, password and database are decoded.
    static func configuration(from url: String) throws(PostgresBackendError) -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url) else { throw .invalidURL(url, reason: "it is not a URL") }
        guard let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            throw .invalidURL(url, reason: "the scheme must be postgres:// or postgresql://")
        }
        guard let host = components.host, !host.isEmpty else { throw .invalidURL(url, reason: "it has no host") }
        guard let user = components.user?.removingPercentEncoding, !user.isEmpty else {
            throw .invalidURL(url, reason: "it has no user name")
        }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw .invalidURL(url, reason: "the port is out of range") }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let database = path.isEmpty ? user : (path.removingPercentEncoding ?? path)
        var tls = PostgresClient.Configuration.TLS.prefer(.makeClientConfiguration())
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                switch item.value {
                case "disable": tls = .disable
                case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
                case "require", "verify-full", "verify-ca": tls = .require(.makeClientConfiguration())
                default: throw .invalidURL(url, reason: "sslmode must be disable, prefer or require")
                }
            default:
                throw .invalidURL(url, reason: "unknown parameter '\(item.name)' (only sslmode is read)")
            }
        }
        let password = components.password?.removingPercentEncoding
        return PostgresClient.Configuration(
            host: host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host, port: port, username: user,
            password: password, database: database, tls: tls)
    }
}
