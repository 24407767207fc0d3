import Deferrable

/// A Lua script run with `EVALSHA`.
///
/// The SHA-1 is computed locally when the script is created, so the first call is a plain `EVALSHA`;
/// if Redis answers `NOSCRIPT` (cold cache, restart, `SCRIPT FLUSH`), the client sends `SCRIPT LOAD` and retries.
/// Create scripts once (e.g. as `static let`) and reuse them.
public struct RedisScript: Sendable, Hashable, CustomStringConvertible {
    /// A short name for logs and errors, e.g. `"enqueue"`.
    public let name: String
    /// The Lua source.
    public let source: String
    /// The lowercase hex SHA-1 of ``source``, as Redis computes it.
    public let sha1: String

    /// Creates a script; `name` is only used in logs and errors.
    public init(name: String, source: String) {
        self.name = name
        self.source = source
        self.sha1 = SHA1.hexDigest(source.utf8)
    }

    /// `RedisScript(name, sha1-prefix)`.
    public var description: String {
        "RedisScript(\(name), \(sha1.prefix(12)))"
    }
}
