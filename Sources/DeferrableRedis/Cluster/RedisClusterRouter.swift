import Logging
import NIOCore
import Synchronization

/// Sends each command of a cluster ``RedisClient`` to the primary serving its slot, and follows the cluster as it
/// changes: `MOVED` (remember the new owner, read the layout again, resend), `ASK` (resend once to the named node
/// after `ASKING`), `TRYAGAIN` / `CLUSTERDOWN` / `LOADING` (wait with a capped backoff within the command timeout,
/// read the layout again, resend). Each of these replies means the command did not run, so resending is safe.
///
/// Every node gets its own ``RedisNodeClient`` (shared pipelined connections and a blocking pool), made when a
/// command first goes there; nodes that no longer serve a slot are closed when a new layout is read.
final class RedisClusterRouter: Sendable {
    private let cluster: RedisClusterEndpoint
    private let configuration: RedisConfiguration
    private let logger: Logger
    private let eventLoopGroup: any EventLoopGroup

    private struct State {
        var topology: RedisClusterTopology?
        /// Node clients by `host:port`.
        var nodes: [String: RedisNodeClient] = [:]
        /// Slot → the node named by a `MOVED` reply since the layout was last read.
        var moved: [Int: (host: String, port: Int)] = [:]
        var refreshing: Task<Void, Never>?
        var refreshedAt: ContinuousClock.Instant?
        /// Why the last reading of the layout failed, for the error of a caller that has no layout at all.
        var lastFailure: RedisError?
        var isClosed = false
    }

    private let state = Mutex(State())

    /// Most redirects one command follows before its last error is thrown.
    static let maxRedirects = 16
    /// The shortest time between two readings of the layout that errors ask for.
    static let minimumRefreshGap: Duration = .milliseconds(100)

    /// Creates a router; no connection is opened until the first command.
    init(cluster: RedisClusterEndpoint, configuration: RedisConfiguration, logger: Logger, eventLoopGroup: any EventLoopGroup) {
        self.cluster = cluster
        self.configuration = configuration
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
    }

    // MARK: - Running commands

    /// Runs `body` on the primary of `slot` (any primary for `nil`), following redirects; `body`'s second argument
    /// says whether it must send `ASKING` first.
    func run<T>(slot: RedisHashSlot?, _ body: (RedisNodeClient, _ asking: Bool) async throws -> T) async throws -> T {
        var target = try await primary(for: slot)
        var asking = false
        var redirects = 0
        let deadline = ContinuousClock.now + configuration.commandTimeout
        while true {
            do {
                return try await body(target, asking)
            } catch let error as RedisError {
                guard let redirect = RedisClusterRedirect(error) else {
                    if Self.isConnectionFailure(error) { refreshSoon() }
                    throw error
                }
                redirects += 1
                guard redirects <= Self.maxRedirects else { throw error }
                switch redirect {
                case .moved(let movedSlot, let host, let port):
                    state.withLock { $0.moved[movedSlot.value] = (host, port) }
                    refreshSoon()
                    target = node(host: host, port: port)
                    asking = false
                case .ask(_, let host, let port):
                    target = node(host: host, port: port)
                    asking = true
                case .retryLater:
                    let pause = min(.milliseconds(10) * (1 << min(redirects, 5)), .milliseconds(250))
                    guard ContinuousClock.now + pause < deadline else { throw error }
                    try await Task.sleep(for: pause)
                    refreshSoon()
                    target = try await primary(for: slot)
                    asking = false
                }
            }
        }
    }

    /// Runs a pipeline `body` like ``run(slot:_:)``; when every reply is a redirect (none of the commands ran), the
    /// whole pipeline is redirected.
    func runBatch(
        slot: RedisHashSlot?, _ body: (RedisNodeClient, _ asking: Bool) async throws -> [Result<RedisValue, RedisError>]
    ) async throws -> [Result<RedisValue, RedisError>] {
        try await run(slot: slot) { node, asking in
            let replies = try await body(node, asking)
            if let redirect = RedisClusterRedirect.allRedirected(replies) { throw redirect }
            return replies
        }
    }

    /// The primary serving `slot` (the first primary for `nil`), reading the layout first if there is none.
    /// - Throws: ``RedisError/cannotConnect(endpoint:reason:)`` when no node gives a layout; a `CLUSTERDOWN` server
    ///   error when no primary serves the slot.
    func primary(for slot: RedisHashSlot?) async throws -> RedisNodeClient {
        if configuration.database != 0 {
            throw RedisError.notSupportedInCluster("database \(configuration.database): a cluster has only database 0")
        }
        if let found = try lookUp(slot) { return found }
        await refresh()
        if let found = try lookUp(slot) { return found }
        let failure = state.withLock { $0.lastFailure }
        if state.withLock({ $0.topology }) == nil {
            throw RedisError.cannotConnect(
                endpoint: cluster.description,
                reason: "no node gave the cluster layout" + (failure.map { " (last error: \($0))" } ?? ""))
        }
        throw RedisError.server(message: "CLUSTERDOWN no primary serves slot \(slot?.value ?? 0)")
    }

    /// Every primary serving a slot, for operations that must reach all of them.
    func primaries() async throws -> [RedisNodeClient] {
        _ = try await primary(for: nil)
        let known = state.withLock { $0.topology?.primaries ?? [] }
        return known.map { node(host: $0.host, port: $0.port) }
    }

    /// Closes every node's connections.
    func close() async {
        let (nodes, refreshing) = state.withLock { state in
            state.isClosed = true
            defer { state.nodes = [:] }
            return (Array(state.nodes.values), state.refreshing)
        }
        refreshing?.cancel()
        for node in nodes { await node.close() }
    }

    // MARK: - Layout

    /// The node for `slot` from the layout, or `nil` when there is no layout yet; starts a reading in the
    /// background when the layout is older than the refresh interval.
    private func lookUp(_ slot: RedisHashSlot?) throws -> RedisNodeClient? {
        let stale = max(cluster.refreshInterval, .seconds(1))
        let (found, isStale): ((host: String, port: Int)??, Bool) = try state.withLock { state in
            if state.isClosed { throw RedisError.clientClosed }
            guard let topology = state.topology else { return (nil, false) }
            let isStale = state.refreshedAt.map { ContinuousClock.now - $0 > stale } ?? false
            if let slot, let moved = state.moved[slot.value] { return (.some(moved), isStale) }
            let node = slot.map { topology.primary(for: $0) } ?? topology.primaries.first
            return (.some(node.map { ($0.host, $0.port) }), isStale)
        }
        guard let found else { return nil }
        if isStale { refreshSoon() }
        guard let found else { return nil }
        return node(host: found.host, port: found.port)
    }

    /// Starts reading the layout in the background, unless a reading is running or one ended moments ago.
    func refreshSoon() {
        let start = state.withLock { state in
            guard !state.isClosed, state.refreshing == nil else { return false }
            if let refreshedAt = state.refreshedAt, ContinuousClock.now - refreshedAt < Self.minimumRefreshGap { return false }
            return true
        }
        if start { Task { await self.refresh() } }
    }

    /// Reads the layout (joining a reading already running).
    func refresh() async {
        let task: Task<Void, Never>? = state.withLock { state in
            if state.isClosed { return nil }
            if let running = state.refreshing { return running }
            let task = Task { await self.readLayout() }
            state.refreshing = task
            return task
        }
        await task?.value
    }

    /// Asks the known nodes in turn (primaries of the last layout, then its replicas, then the seeds) for the
    /// layout; keeps the first that covers every slot, or else the one that covers most.
    private func readLayout() async {
        var best: RedisClusterTopology?
        var failure: RedisError?
        for (host, port) in candidates() {
            if Task.isCancelled { break }
            do {
                let topology = try await layout(from: node(host: host, port: port), host: host)
                if best == nil || topology.uncoveredSlots < best!.uncoveredSlots { best = topology }
                if topology.uncoveredSlots == 0 { break }
            } catch let error as RedisError {
                failure = error
            } catch {
                failure = RedisConnection.redisError(error)
            }
        }
        let retired: [RedisNodeClient] = state.withLock { state in
            defer {
                state.refreshing = nil
                state.refreshedAt = .now
            }
            guard let best else {
                state.lastFailure = failure
                return []
            }
            let changed = state.topology != best
            state.topology = best
            state.moved = [:]
            state.lastFailure = nil
            guard changed else { return [] }
            let keep = Set(best.primaries.map { Self.address($0.host, $0.port) })
                .union(cluster.seeds.compactMap(Self.seedAddress))
            let retired = state.nodes.filter { !keep.contains($0.key) }
            for address in retired.keys { state.nodes[address] = nil }
            return Array(retired.values)
        }
        if let best {
            logger.debug(
                "Read the Redis Cluster layout",
                metadata: ["redis.primaries": "\(best.primaries.count)", "redis.uncoveredSlots": "\(best.uncoveredSlots)"])
        } else if let failure {
            logger.warning("Cannot read the Redis Cluster layout", metadata: ["redis.error": "\(failure)"])
        }
        for node in retired { await node.close() }
    }

    /// `CLUSTER SHARDS` from `node`, or `CLUSTER SLOTS` when the server does not know the former (on a TLS
    /// connection, a server with `tls-cluster yes` lists the TLS ports in it).
    private func layout(from node: RedisNodeClient, host: String) async throws -> RedisClusterTopology {
        do {
            return try RedisClusterTopology(
                shards: try await node.send(RedisCommand("CLUSTER", "SHARDS")), askedHost: host,
                usesTLS: configuration.tls != nil)
        } catch let error as RedisError where error.serverErrorCode == "ERR" {
            return try RedisClusterTopology(slots: try await node.send(RedisCommand("CLUSTER", "SLOTS")), askedHost: host)
        }
    }

    private func candidates() -> [(String, Int)] {
        let known = state.withLock { state in
            (state.topology?.nodes ?? []).filter(\.isHealthy).sorted { $0.role == .primary && $1.role != .primary }
        }
        var seen: Set<String> = []
        var result: [(String, Int)] = []
        let seeds: [(String, Int)] = cluster.seeds.compactMap {
            if case .tcp(let host, let port) = $0 { (host, port) } else { nil }
        }
        for (host, port) in known.map({ ($0.host, $0.port) }) + seeds where seen.insert(Self.address(host, port)).inserted {
            result.append((host, port))
        }
        return result
    }

    // MARK: - Nodes

    /// The client of the node at `host:port`, made on first use (with database 0 and the client's credentials).
    func node(host: String, port: Int) -> RedisNodeClient {
        let address = Self.address(host, port)
        return state.withLock { state in
            if let existing = state.nodes[address] { return existing }
            var configuration = configuration
            configuration.endpoint = .tcp(host: host, port: port)
            configuration.database = 0
            var logger = logger
            logger[metadataKey: "redis.endpoint"] = "\(address)"
            let node = RedisNodeClient(configuration: configuration, logger: logger, eventLoopGroup: eventLoopGroup)
            if !state.isClosed { state.nodes[address] = node }
            return node
        }
    }

    private static func address(_ host: String, _ port: Int) -> String {
        RedisEndpoint.tcp(host: host, port: port).description
    }

    private static func seedAddress(_ seed: RedisEndpoint) -> String? {
        if case .tcp(let host, let port) = seed { address(host, port) } else { nil }
    }

    private static func isConnectionFailure(_ error: RedisError) -> Bool {
        switch error {
        case .cannotConnect, .connectionLost, .timedOut: true
        default: false
        }
    }
}
