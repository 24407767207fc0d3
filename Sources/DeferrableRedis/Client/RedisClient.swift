import Deferrable
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// A Redis client: a few shared pipelined connections plus a pool of dedicated connections for blocking commands,
/// to one server or, for a ``RedisEndpoint/cluster(_:)`` endpoint, to each primary of a Redis Cluster.
///
/// - ``send(_:)`` and ``pipeline(_:)`` use `poolSize` shared connections, each call the one with the fewest calls in
///   flight (the first on a tie, so a lone caller stays on one connection); many commands are in flight on each
///   connection at once. Connections open lazily and reconnect transparently on the next call after a failure
///   (with capped exponential backoff between failed attempts; during the backoff calls fail fast).
/// - ``sendBlocking(_:blockFor:)`` runs on a dedicated connection so a consumer waiting on an empty list never stalls
///   other callers.
/// - In a cluster, each command goes to the primary serving its first key's hash slot (a command without keys to
///   any primary); a pipeline is split by primary. `MOVED`, `ASK`, `TRYAGAIN`, `CLUSTERDOWN` and `LOADING` replies
///   are followed (see ``RedisClusterEndpoint``); with TLS every node is reached over TLS at the TLS port its layout
///   names. `SELECT` and a database other than 0 are refused there with
///   ``RedisError/notSupportedInCluster(_:)``.
/// - Errors are always ``RedisError`` (``sendBlocking(_:blockFor:)`` may also throw `CancellationError`).
///
/// A call never waits more than `connectTimeout` for a connection, nor more than `commandTimeout` (plus the block
/// time for blocking commands) for a reply; a timed-out connection is closed. Call ``close()`` when done.
public final class RedisClient: Sendable {
    /// The configuration the client was created with.
    public let configuration: RedisConfiguration
    /// The client's logger (with the endpoint as metadata).
    let logger: Logger
    private let route: Route
    private let isClosed = Atomic<Bool>(false)

    /// Where commands go: the one server, or the primary of each command's slot.
    private enum Route: Sendable {
        case server(RedisNodeClient)
        case cluster(RedisClusterRouter)
    }

    /// Creates a client. No connection is opened until the first call.
    ///
    /// - Parameters:
    ///   - configuration: where and how to connect.
    ///   - logger: used for reconnect warnings and the durability check; never logs the password.
    ///   - eventLoopGroup: the NIO event loops to use; defaults to `MultiThreadedEventLoopGroup.singleton`.
    public init(
        configuration: RedisConfiguration,
        logger: Logger = Logger(label: "deferrable.redis"),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        var logger = logger
        logger[metadataKey: "redis.endpoint"] = "\(configuration.endpoint)"
        self.configuration = configuration
        self.logger = logger
        if case .cluster(let cluster) = configuration.endpoint {
            route = .cluster(
                RedisClusterRouter(cluster: cluster, configuration: configuration, logger: logger, eventLoopGroup: eventLoopGroup))
        } else {
            route = .server(RedisNodeClient(configuration: configuration, logger: logger, eventLoopGroup: eventLoopGroup))
        }
    }

    /// Creates a client from a Redis URL (see ``RedisConfiguration/init(url:)``).
    public convenience init(
        url: String,
        logger: Logger = Logger(label: "deferrable.redis"),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws {
        self.init(configuration: try RedisConfiguration(url: url), logger: logger, eventLoopGroup: eventLoopGroup)
    }

    // MARK: - Commands

    /// Sends one command on a shared connection and returns its reply.
    ///
    /// - Throws: ``RedisError/server(message:)`` if Redis replies with an error; other ``RedisError`` cases for
    ///   connection problems, timeouts, or a closed client.
    public func send(_ command: RedisCommand) async throws -> RedisValue {
        try await send(command, slot: command.slot)
    }

    /// Sends one command to the primary of `slot` (the server itself when not in a cluster), for a command whose
    /// keys are not its arguments, such as a `SCAN` for one group's keys. With `confirmed`, the reply is returned
    /// only once the ``RedisConfiguration/replicaConfirmation`` (if any) is met.
    func send(_ command: RedisCommand, slot: RedisHashSlot?, confirmed: Bool = false) async throws -> RedisValue {
        try await routed(slot, refusing: command) { node, asking in
            try await node.send(command, asking: asking, confirmed: confirmed)
        }
    }

    /// Sends `commands` on one shared connection with a single write and flush (one round trip) and returns the
    /// replies in order. In a cluster, the commands for each primary go as one such pipeline, the primaries'
    /// pipelines at once.
    ///
    /// - Returns: one result per command; error replies are `.failure(.server(...))`.
    /// - Throws: ``RedisError`` for connection problems (then the commands may or may not have run).
    public func pipeline(_ commands: [RedisCommand]) async throws -> [Result<RedisValue, RedisError>] {
        try await pipeline(commands, confirmed: false)
    }

    /// ``pipeline(_:)``; with `confirmed`, the replies are returned only once the
    /// ``RedisConfiguration/replicaConfirmation`` (if any) is met on every primary the commands went to.
    func pipeline(_ commands: [RedisCommand], confirmed: Bool) async throws -> [Result<RedisValue, RedisError>] {
        try checkOpen()
        guard !commands.isEmpty else { return [] }
        guard case .cluster(let router) = route else {
            return try await routed(nil) { node, _ in try await node.pipeline(commands, confirmed: confirmed) }
        }
        for command in commands { try Self.refuseInCluster(command) }
        return try await RedisClusterPipeline.send(commands, through: router, confirmed: confirmed)
    }

    /// Sends `count` commands already written with a ``RESPWriter`` as one pipeline on a shared connection and
    /// returns their replies in order (used by the backend for its pushes: no per-command objects). In a cluster,
    /// every command must have keys in `slot`.
    func pipeline(
        encoded: ByteBuffer, count: Int, operation: String, slot: RedisHashSlot, confirmed: Bool = false
    ) async throws -> [Result<RedisValue, RedisError>] {
        try await routedBatch(slot) { node, asking in
            try await node.pipeline(
                encoded: encoded, count: count, operation: operation, asking: asking, confirmed: confirmed)
        }
    }

    /// Sends a blocking command (`BLPOP`, `BLMOVE`, `BZPOPMIN`, `XREAD BLOCK`, ...) on a dedicated connection.
    ///
    /// The reply timeout is `blockFor + commandTimeout`, so `blockFor` must be at least the block time given to
    /// Redis in the command (use a finite block time; `0` = forever is not supported). If the task is cancelled,
    /// the connection is closed to abort the wait and `CancellationError` is thrown.
    ///
    /// - Throws: ``RedisError/server(message:)`` for error replies, other ``RedisError`` cases for connection problems.
    public func sendBlocking(_ command: RedisCommand, blockFor: Duration) async throws -> RedisValue {
        try await routed(command.slot, refusing: command) { node, asking in
            try await node.sendBlocking(command, blockFor: blockFor, asking: asking)
        }
    }

    /// Sends `commands`, the first of which blocks, with one write on a dedicated connection, and returns their
    /// replies in order.
    ///
    /// Redis runs the later commands as soon as the blocking one returns, so a consumer can wait for a wake-up and
    /// take a job in a single round trip. Timeouts and cancellation as for ``sendBlocking(_:blockFor:)``; when the
    /// task is cancelled, the later commands may or may not have run. In a cluster they go to the primary of the
    /// first command that has a key, so their keys must share its slot.
    ///
    /// - Returns: one result per command; error replies are `.failure(.server(...))`.
    public func pipelineBlocking(_ commands: [RedisCommand], blockFor: Duration) async throws -> [Result<RedisValue, RedisError>] {
        try checkOpen()
        guard !commands.isEmpty else { return [] }
        for command in commands { try refuse(command) }
        return try await routedBatch(commands.lazy.compactMap(\.slot).first) { node, asking in
            try await node.pipelineBlocking(commands, blockFor: blockFor, asking: asking)
        }
    }

    /// Opens a connection of its own, outside every pool (with the reconnect backoff and the connect timeout), for
    /// a caller that changes its mode, such as a pub/sub subscriber (in a cluster, to any primary: a message
    /// published on one node reaches subscribers on every node). The caller closes it.
    /// - Throws: ``RedisError/cannotConnect(endpoint:reason:)`` or ``RedisError/clientClosed``.
    func openConnection() async throws -> RedisConnection {
        try await routed(nil) { node, _ in try await node.openConnection() }
    }

    /// Runs `body` on the server, or in a cluster on the primary of `slot` following redirects.
    private func routed<T>(
        _ slot: RedisHashSlot?, refusing command: RedisCommand? = nil,
        _ body: (RedisNodeClient, _ asking: Bool) async throws -> T
    ) async throws -> T {
        try checkOpen()
        switch route {
        case .server(let node):
            return try await body(node, false)
        case .cluster(let router):
            if let command { try Self.refuseInCluster(command) }
            return try await router.run(slot: slot, body)
        }
    }

    /// ``routed(_:refusing:_:)`` for a pipeline: in a cluster, one whose every reply is a redirect is redirected.
    private func routedBatch(
        _ slot: RedisHashSlot?, _ body: (RedisNodeClient, _ asking: Bool) async throws -> [Result<RedisValue, RedisError>]
    ) async throws -> [Result<RedisValue, RedisError>] {
        try checkOpen()
        switch route {
        case .server(let node): return try await body(node, false)
        case .cluster(let router): return try await router.runBatch(slot: slot, body)
        }
    }

    /// Refuses, in a cluster, a command that would change a shared connection's database.
    private func refuse(_ command: RedisCommand) throws {
        if case .cluster = route { try Self.refuseInCluster(command) }
    }

    private static func refuseInCluster(_ command: RedisCommand) throws {
        if command.name.uppercased() == "SELECT" {
            throw RedisError.notSupportedInCluster("SELECT: a cluster has only database 0")
        }
    }

    // MARK: - Scripts

    /// Runs `script` with `EVALSHA`; on `NOSCRIPT` it loads the script with `SCRIPT LOAD` and retries once, and if the
    /// cache was emptied again in between (a restart, another client's `SCRIPT FLUSH`) it sends the source with `EVAL`.
    ///
    /// - Throws: ``RedisError/server(message:)`` for script errors, other ``RedisError`` cases for connection problems.
    public func evalScript(_ script: RedisScript, keys: [String], args: [String] = []) async throws -> RedisValue {
        try await evalScript(script, keys: keys, binaryArgs: args.map { Array($0.utf8) })
    }

    /// Runs `script` with binary arguments; see ``evalScript(_:keys:args:)``.
    public func evalScript(_ script: RedisScript, keys: [String], binaryArgs: [[UInt8]]) async throws -> RedisValue {
        try await evalScript(script, keys: keys, binaryArgs: binaryArgs, confirmed: false)
    }

    /// ``evalScript(_:keys:binaryArgs:)``; with `confirmed`, the reply is returned only once the
    /// ``RedisConfiguration/replicaConfirmation`` (if any) is met.
    func evalScript(_ script: RedisScript, keys: [String], binaryArgs: [[UInt8]], confirmed: Bool) async throws
        -> RedisValue
    {
        let command = Self.evalSHA(script, keys: keys, args: binaryArgs)
        let send = { (command: RedisCommand) in try await self.send(command, slot: command.slot, confirmed: confirmed) }
        do {
            return try await send(command)
        } catch let error as RedisError where error.serverErrorCode == "NOSCRIPT" {
            try await loadScript(script)
            do {
                return try await send(command)
            } catch let error as RedisError where error.serverErrorCode == "NOSCRIPT" {
                return try await send(Self.eval(script, keys: keys, args: binaryArgs))
            }
        }
    }

    /// Runs `script` once per call, all `EVALSHA`s pipelined in one round trip; results are in call order.
    ///
    /// Calls that fail with `NOSCRIPT` (and only those, since the others ran) are retried after `SCRIPT LOAD`,
    /// again as one pipeline; those that fail with `NOSCRIPT` once more (the cache was emptied again) are sent with
    /// `EVAL`.
    public func evalScriptPipelined(
        _ script: RedisScript,
        calls: [(keys: [String], args: [[UInt8]])]
    ) async throws -> [Result<RedisValue, RedisError>] {
        try await evalScriptPipelined(script, calls: calls, confirmed: false)
    }

    /// ``evalScriptPipelined(_:calls:)``; with `confirmed`, the replies are returned only once the
    /// ``RedisConfiguration/replicaConfirmation`` (if any) is met.
    func evalScriptPipelined(
        _ script: RedisScript, calls: [(keys: [String], args: [[UInt8]])], confirmed: Bool
    ) async throws -> [Result<RedisValue, RedisError>] {
        let pipeline = { (commands: [RedisCommand]) in try await self.pipeline(commands, confirmed: confirmed) }
        let commands = calls.map { Self.evalSHA(script, keys: $0.keys, args: $0.args) }
        var results = try await pipeline(commands)
        let missing = results.indices.filter { index in
            if case .failure(let error) = results[index], error.serverErrorCode == "NOSCRIPT" {
                return true
            }
            return false
        }
        guard !missing.isEmpty else {
            return results
        }
        try await loadScript(script)
        let retried = try await pipeline(missing.map { commands[$0] })
        for (index, result) in zip(missing, retried) {
            results[index] = result
        }
        let stillMissing = missing.filter { index in
            if case .failure(let error) = results[index], error.serverErrorCode == "NOSCRIPT" { return true }
            return false
        }
        guard !stillMissing.isEmpty else { return results }
        let evaluated = try await pipeline(stillMissing.map { Self.eval(script, keys: calls[$0].keys, args: calls[$0].args) })
        for (index, result) in zip(stillMissing, evaluated) {
            results[index] = result
        }
        return results
    }

    /// Loads `script` into Redis's script cache (`SCRIPT LOAD`), checking that Redis computed the same SHA-1.
    /// In a cluster, it loads the script on every primary.
    public func loadScript(_ script: RedisScript) async throws {
        try checkOpen()
        let command = RedisCommand("SCRIPT", "LOAD", script.source)
        let nodes: [RedisNodeClient]
        switch route {
        case .server(let node): nodes = [node]
        case .cluster(let router): nodes = try await router.primaries()
        }
        for node in nodes {
            let reply = try await node.send(command)
            guard reply.string?.lowercased() == script.sha1 else {
                throw RedisError.protocolError("SCRIPT LOAD of '\(script.name)' returned \(reply), expected \(script.sha1)")
            }
        }
        logger.debug("Loaded Redis script", metadata: ["redis.script": "\(script.name)", "redis.sha1": "\(script.sha1)"])
    }

    /// The `EVAL` command of `script`, with its source.
    static func eval(_ script: RedisScript, keys: [String], args: [[UInt8]]) -> RedisCommand {
        scriptCall(Array(script.source.utf8), keys: keys, args: args, command: "EVAL")
    }

    /// The `EVALSHA` command of `script` (for pipelines that carry a script call).
    static func evalSHA(_ script: RedisScript, keys: [String], args: [[UInt8]]) -> RedisCommand {
        scriptCall(Array(script.sha1.utf8), keys: keys, args: args, command: "EVALSHA")
    }

    private static func scriptCall(_ script: [UInt8], keys: [String], args: [[UInt8]], command: String) -> RedisCommand {
        var arguments: [[UInt8]] = [script, Array(String(keys.count).utf8)]
        arguments.reserveCapacity(2 + keys.count + args.count)
        arguments.append(contentsOf: keys.map { Array($0.utf8) })
        arguments.append(contentsOf: args)
        return RedisCommand(command, arguments)
    }

    // MARK: - Helpers

    /// The server's clock (`TIME`) in milliseconds since the Unix epoch.
    public func serverTimeMillis() async throws -> Int64 {
        let reply = try await send(RedisCommand("TIME"))
        guard let parts = reply.array, parts.count == 2, let seconds = parts[0].int, let micros = parts[1].int else {
            throw RedisError.protocolError("unexpected TIME reply \(reply)")
        }
        return seconds.multipliedSaturated(by: 1000).addingSaturated(micros / 1000)
    }

    /// Checks `maxmemory-policy`, `save` and `appendonly` and returns warnings (empty if fine or not permitted).
    ///
    /// The client runs this once by itself after its first connection, logging the warnings at `.warning`.
    public func checkDurabilitySettings() async -> [String] {
        do {
            let connection = try await routed(nil) { node, _ in try await node.sharedConnection() }
            return await RedisDurabilityCheck.run(
                on: connection,
                timeout: configuration.commandTimeout,
                logger: logger,
                warningLevel: .debug
            )
        } catch {
            logger.debug("Could not check Redis durability settings", metadata: ["redis.error": "\(error)"])
            return []
        }
    }

    // MARK: - Lifecycle

    /// Closes every connection; blocked commands fail. Idempotent; later calls throw ``RedisError/clientClosed``.
    public func close() async {
        guard !isClosed.exchange(true, ordering: .acquiringAndReleasing) else {
            return
        }
        switch route {
        case .server(let node): await node.close()
        case .cluster(let router): await router.close()
        }
    }

    private func checkOpen() throws(RedisError) {
        if isClosed.load(ordering: .relaxed) {
            throw RedisError.clientClosed
        }
    }
}
