/// The PostgreSQL schema that holds the backend's tables and functions.
///
/// Its name is interpolated into SQL, so it is restricted to a plain identifier that needs no quoting: 1 to 48
/// characters from `a–z 0–9 _`, starting with a letter or `_` (the longest notification channel name,
/// `<schema>_results`, stays within PostgreSQL's 63 bytes).
public struct PostgresSchema: Sendable, Hashable, CustomStringConvertible {
    /// The schema name.
    public let name: String

    /// Validates `name`.
    /// - Throws: ``PostgresBackendError/invalidSchemaName(_:reason:)``.
    public init(_ name: String) throws(PostgresBackendError) {
        guard !name.isEmpty else { throw .invalidSchemaName(name, reason: "it is empty") }
        guard name.utf8.count <= 48 else { throw .invalidSchemaName(name, reason: "it is longer than 48 characters") }
        for (index, byte) in name.utf8.enumerated() {
            let letter = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") || byte == UInt8(ascii: "_")
            let digit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            guard letter || (digit && index > 0) else {
                throw .invalidSchemaName(
                    name, reason: "only lower-case letters, digits and '_' are allowed, and it must not start with a digit")
            }
        }
        guard !name.hasPrefix("pg_") else { throw .invalidSchemaName(name, reason: "names starting with 'pg_' are reserved") }
        self.name = name
    }

    public var description: String { name }

    /// The name as SQL: always double-quoted, since a valid name may still be a reserved word (`deferrable` is one).
    /// Interpolate this, never ``name``, into statements.
    var sql: String { "\"\(name)\"" }

    /// The channel a push notifies with the group's name as the payload.
    var wakeChannel: String { "\(name)_wake" }
    /// The channel a stored result notifies with `<group>/<job id>` as the payload.
    var resultChannel: String { "\(name)_results" }
}
