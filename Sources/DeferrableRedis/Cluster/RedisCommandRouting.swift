/// Which argument of a command is the key a Redis Cluster routes it by.
///
/// The first key decides: every key of a group shares the group's hash tag, so a command or script that touches
/// several keys of one group has them all in one slot. A command without keys (`PING`, `TIME`, `SCRIPT`, `INFO`,
/// `SCAN`, an `EVAL` with no keys, ...) has no slot and may go to any primary.
enum RedisCommandRouting {
    /// Commands that take no key, or whose first argument is not one.
    private static let keyless: Set<String> = [
        "ASKING", "AUTH", "BGREWRITEAOF", "BGSAVE", "CLIENT", "CLUSTER", "COMMAND", "CONFIG", "DBSIZE", "DEBUG",
        "DISCARD", "ECHO", "EXEC", "FLUSHALL", "FLUSHDB", "FUNCTION", "HELLO", "INFO", "KEYS", "LASTSAVE", "LATENCY",
        "MONITOR", "MULTI", "PING", "PSUBSCRIBE", "PUBLISH", "PUBSUB", "PUNSUBSCRIBE", "QUIT", "RANDOMKEY",
        "READONLY", "READWRITE", "RESET", "ROLE", "SAVE", "SCAN", "SCRIPT", "SELECT", "SHUTDOWN", "SLOWLOG",
        "SUBSCRIBE", "SWAPDB", "TIME", "UNSUBSCRIBE", "UNWATCH", "WAIT", "WAITAOF",
    ]

    /// Commands whose first key follows a subcommand (`OBJECT ENCODING key`, `MEMORY USAGE key`).
    private static let keyAfterSubcommand: Set<String> = ["MEMORY", "OBJECT", "XINFO"]

    /// Script calls: `EVALSHA sha numkeys key…`, whose first key is present only when `numkeys` is positive.
    private static let scriptCalls: Set<String> = ["EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO"]

    /// The slot of the command `name` with `arguments` (after the name), or `nil` when it has no key.
    /// `bytes` gives an argument's bytes.
    static func slot<Argument>(
        name: String, arguments: ArraySlice<Argument>, bytes: (Argument) -> [UInt8]
    ) -> RedisHashSlot? {
        let upper = name.utf8.contains(where: { (0x61...0x7A).contains($0) }) ? name.uppercased() : name
        let index: Int
        if scriptCalls.contains(upper) {
            guard arguments.count >= 3, let count = Int(String(decoding: bytes(arguments[arguments.startIndex + 1]), as: UTF8.self)),
                count > 0
            else { return nil }
            index = 2
        } else if keyAfterSubcommand.contains(upper) {
            index = 1
        } else if keyless.contains(upper) {
            return nil
        } else {
            index = 0
        }
        guard arguments.count > index else { return nil }
        return RedisHashSlot(key: bytes(arguments[arguments.startIndex + index]))
    }
}
