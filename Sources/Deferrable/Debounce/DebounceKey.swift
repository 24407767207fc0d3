/// The identity of a debounced job: group, job name and canonical JSON of the arguments, hashed.
public enum DebounceKey {
    /// The SHA-1 hex digest of `group`, `name` and `argsJSON` (arguments encoded with sorted keys).
    public static func make(group: String, name: String, argsJSON: [UInt8]) -> String {
        var bytes = Array(group.utf8)
        bytes.append(0)
        bytes.append(contentsOf: name.utf8)
        bytes.append(0)
        bytes.append(contentsOf: argsJSON)
        return SHA1.hexDigest(bytes)
    }
}
