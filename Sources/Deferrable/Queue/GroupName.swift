/// Validation of group names.
///
/// A group name is 1 to 64 characters from `A–Z a–z 0–9 _ - .`; it becomes part of storage keys (Redis
/// uses it as a hash tag), so braces, colons, spaces and control characters are refused.
public enum GroupName {
    /// The group used when none is named.
    public static let `default` = "default"

    /// Throws ``DeferrableError/invalidGroupName(_:reason:)`` if `name` is not a valid group name.
    public static func validate(_ name: String) throws(DeferrableError) {
        guard !name.isEmpty else { throw .invalidGroupName(name, reason: "it is empty") }
        guard name.utf8.count <= 64 else { throw .invalidGroupName(name, reason: "it is longer than 64 characters") }
        for byte in name.utf8 {
            let ok =
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            guard ok else {
                throw .invalidGroupName(name, reason: "only letters, digits, '_', '-' and '.' are allowed")
            }
        }
    }
}
