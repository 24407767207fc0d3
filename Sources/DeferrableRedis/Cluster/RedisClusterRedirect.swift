/// What a Redis Cluster error reply asks the client to do: the command did not run.
enum RedisClusterRedirect: Equatable, Sendable {
    /// `MOVED slot host:port`: the slot lives on that node now; refresh the map and send it there.
    case moved(slot: RedisHashSlot, host: String, port: Int)
    /// `ASK slot host:port`: the slot is being migrated; send this one command there, after `ASKING`.
    case ask(slot: RedisHashSlot, host: String, port: Int)
    /// `TRYAGAIN`, `CLUSTERDOWN` or `LOADING`: the cluster is resharding, failing over or starting; try again shortly.
    case retryLater

    /// The redirect `error` asks for, or `nil` when it is not one (including a redirect with an unreadable address).
    init?(_ error: RedisError) {
        guard case .server(let message) = error else { return nil }
        let words = message.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true)
        switch words.first {
        case "MOVED", "ASK":
            guard words.count >= 3, let number = Int(words[1]), let slot = RedisHashSlot(checking: number),
                let colon = words[2].lastIndex(of: ":"), let port = Int(words[2][words[2].index(after: colon)...]),
                (1...65_535).contains(port)
            else { return nil }
            var host = String(words[2][..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            self = words[0] == "MOVED" ? .moved(slot: slot, host: host, port: port) : .ask(slot: slot, host: host, port: port)
        case "TRYAGAIN", "CLUSTERDOWN", "LOADING":
            self = .retryLater
        default:
            return nil
        }
    }

    /// The first reply's error when every reply is a redirect (none of the commands ran, so the whole batch can be sent
    /// again), else `nil`.
    static func allRedirected(_ replies: [Result<RedisValue, RedisError>]) -> RedisError? {
        guard case .failure(let first) = replies.first, Self(first) != nil else { return nil }
        for reply in replies.dropFirst() {
            guard case .failure(let error) = reply, Self(error) != nil else { return nil }
        }
        return first
    }
}
