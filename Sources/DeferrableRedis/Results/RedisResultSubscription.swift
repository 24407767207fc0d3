import Synchronization

/// The pub/sub subscription that serves every result waiter of one ``RedisBackendFactory``: one connection of its own,
/// subscribed to the result channel (`P:{G}:results:done`) of every group that had a waiter, on which settlements
/// publish the ids of the jobs whose records they stored.
///
/// A waiter registers here first (``register(channel:id:)``), then makes sure its channel is subscribed
/// (``subscribe(to:)``), then checks the stored record: a record written at any point after the registration either
/// is found by that check or wakes the waiter. When the connection is lost every registered waiter is woken to
/// re-check, and the next ``subscribe(to:)`` opens a new connection (with the client's reconnect backoff) and
/// subscribes every channel again, in one command. While waiters wait, a `PING` every second checks the connection:
/// one that hangs without being closed (a partition with no reset) fails it after the command timeout, which closes
/// it, so waiters re-check on a new one instead of missing their messages.
final class RedisResultSubscription: Sendable {
    private struct State {
        /// The subscriber connection, while it is believed open.
        var connection: RedisConnection?
        /// Channels whose `SUBSCRIBE` was confirmed on `connection`.
        var confirmed: Set<String> = []
        /// Every channel a waiter asked for: subscribed again after a reconnect.
        var wanted: Set<String> = []
        /// The attempt under way to connect and subscribe the wanted channels.
        var syncing: Task<Void, any Error>?
        /// Pings `connection` while there are waiters.
        var heartbeat: Task<Void, Never>?
        /// channel → job id → waiter key → waiter.
        var waiters: [String: [String: [UInt64: RedisResultWaiter]]] = [:]
        var nextKey: UInt64 = 0
        var closed = false
    }

    private enum Step {
        case ready
        case await(Task<Void, any Error>)
        case fail(RedisError)
    }

    /// How often the connection is checked while there are waiters.
    static let heartbeatInterval = Duration.seconds(1)

    private let client: RedisClient
    private let state = Mutex(State())

    init(client: RedisClient) {
        self.client = client
    }

    /// Registers a waiter for the record of `id` published on `channel`; ``unregister(_:)`` it when done.
    func register(channel: String, id: String) -> RedisResultWaiter {
        state.withLock { state in
            state.nextKey &+= 1
            let waiter = RedisResultWaiter(channel: channel, id: id, key: state.nextKey)
            state.waiters[channel, default: [:]][id, default: [:]][waiter.key] = waiter
            return waiter
        }
    }

    func unregister(_ waiter: RedisResultWaiter) {
        state.withLock { state in
            state.waiters[waiter.channel]?[waiter.id]?[waiter.key] = nil
            if state.waiters[waiter.channel]?[waiter.id]?.isEmpty == true { state.waiters[waiter.channel]?[waiter.id] = nil }
            if state.waiters[waiter.channel]?.isEmpty == true { state.waiters[waiter.channel] = nil }
        }
    }

    /// Returns once `channel` is confirmed subscribed on an open connection; connects and subscribes if needed
    /// (concurrent callers share one attempt). No I/O when it already is.
    /// - Throws: the connection's ``RedisError`` (`cannotConnect` within the connect timeout, `clientClosed`, ...).
    func subscribe(to channel: String) async throws(RedisError) {
        while true {
            let step = state.withLock { state -> Step in
                if state.closed { return .fail(.clientClosed) }
                state.wanted.insert(channel)
                if let connection = state.connection, connection.isActive, state.confirmed.contains(channel) { return .ready }
                if let syncing = state.syncing { return .await(syncing) }
                let task = makeSyncTask()
                state.syncing = task
                return .await(task)
            }
            switch step {
            case .ready:
                return
            case .fail(let error):
                throw error
            case .await(let task):
                do {
                    try await task.value
                } catch {
                    throw RedisConnection.redisError(error)
                }
            }
        }
    }

    /// Closes the connection; every waiter is woken, and its next ``subscribe(to:)`` throws
    /// ``RedisError/clientClosed``.
    func close() async {
        let (connection, waiters) = state.withLock { state in
            state.closed = true
            state.heartbeat?.cancel()
            defer { state.connection = nil }
            return (state.connection, Self.allWaiters(state))
        }
        for waiter in waiters { waiter.wake(.resubscribe) }
        await connection?.closeAndWait()
    }

    /// One attempt: open a connection if there is none, then `SUBSCRIBE` every wanted channel not yet confirmed.
    private func makeSyncTask() -> Task<Void, any Error> {
        Task {
            defer { state.withLock { $0.syncing = nil } }
            let connection = try await currentOrNewConnection()
            let channels = state.withLock { Array($0.wanted.subtracting($0.confirmed)) }
            guard !channels.isEmpty else { return }
            let command = RedisCommand(["SUBSCRIBE"] + channels)
            // One confirmation per channel.
            let replies = try await connection.pipeline(
                encoded: command.encoded, count: channels.count, operation: "SUBSCRIBE",
                timeout: client.configuration.commandTimeout)
            for reply in replies {
                guard case .array(let parts) = try reply.get(), parts.first?.string == "subscribe" else {
                    throw RedisError.protocolError("SUBSCRIBE answered \(reply)")
                }
            }
            state.withLock { state in
                if state.connection === connection { state.confirmed.formUnion(channels) }
            }
        }
    }

    private func currentOrNewConnection() async throws -> RedisConnection {
        if let connection = state.withLock({ $0.connection }), connection.isActive { return connection }
        let connection = try await client.openConnection()
        let identity = ObjectIdentifier(connection)
        await connection.receivePushes(
            RedisChannelHandler.PushReceiver(
                message: { [weak self] channel, payload in self?.deliver(channel: channel, id: payload) },
                closed: { [weak self] _ in self?.lost(identity) }))
        let heartbeat = makeHeartbeat(for: connection)
        let accepted = state.withLock { state in
            guard !state.closed else { return false }
            state.connection = connection
            state.confirmed = []
            state.heartbeat?.cancel()
            state.heartbeat = heartbeat
            return true
        }
        guard accepted else {
            heartbeat.cancel()
            connection.close()
            throw RedisError.clientClosed
        }
        return connection
    }

    /// Pings `connection` every ``heartbeatInterval`` while there are waiters, until it closes. A ping without a
    /// reply within the command timeout closes the connection (``RedisChannelHandler``), which wakes the waiters.
    private func makeHeartbeat(for connection: RedisConnection) -> Task<Void, Never> {
        let timeout = client.configuration.commandTimeout
        return Task { [weak self] in
            while (try? await Task.sleep(for: Self.heartbeatInterval)) != nil, connection.isActive {
                guard let self else { return }
                guard state.withLock({ !$0.waiters.isEmpty }) else { continue }
                _ = try? await connection.send(RedisCommand("PING"), timeout: timeout)
            }
        }
    }

    /// A published message, `id` or `id NUL record`: wakes the job's waiters, with the record when it came along (on
    /// the event loop; no I/O).
    private func deliver(channel: [UInt8], id message: [UInt8]) {
        let channel = String(decoding: channel, as: UTF8.self)
        let separator = message.firstIndex(of: 0)
        let id = String(decoding: message[..<(separator ?? message.endIndex)], as: UTF8.self)
        let record = separator.map { Array(message[($0 + 1)...]) }
        let waiters = state.withLock { state in state.waiters[channel]?[id].map { Array($0.values) } ?? [] }
        for waiter in waiters { waiter.wake(.published(record: record)) }
    }

    /// The connection `identity` closed: if it is the current one, forget it and wake every waiter to re-check.
    private func lost(_ identity: ObjectIdentifier) {
        let waiters = state.withLock { state -> [RedisResultWaiter] in
            guard let connection = state.connection, ObjectIdentifier(connection) == identity else { return [] }
            state.connection = nil
            state.confirmed = []
            return Self.allWaiters(state)
        }
        for waiter in waiters { waiter.wake(.resubscribe) }
    }

    private static func allWaiters(_ state: State) -> [RedisResultWaiter] {
        state.waiters.values.flatMap { $0.values.flatMap(\.values) }
    }
}
