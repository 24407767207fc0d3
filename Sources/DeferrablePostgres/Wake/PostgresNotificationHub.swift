import Logging
import PostgresNIO
import Synchronization

/// One `LISTEN` connection per factory, and the waiters it wakes: idle consumers of a group (`<schema>_wake`, payload
/// the group) and callers waiting for a job's result (`<schema>_results`, payload `<group>/<job id>`).
///
/// A waiter registers before it looks at the database, so a notification sent between its look and its wait still
/// wakes it. When the listening connection fails it is opened again with a growing pause (up to 2 s), and every
/// waiter is woken to look again, since notifications sent meanwhile are lost. In ``PostgresWakeMode/pollOnly`` no
/// connection listens and waits end by their timeouts only.
final class PostgresNotificationHub: Sendable {
    /// What a waiter waits for.
    enum Key: Hashable, Sendable {
        case wake(group: String)
        case result(group: String, id: String)
    }

    private enum Slot {
        case armed
        case notified
        case waiting(CheckedContinuation<Void, Never>)
    }

    private struct State: ~Copyable {
        var nextID: UInt64 = 0
        var waiters: [Key: [UInt64: Slot]] = [:]
        var listener: Task<Void, Never>?
        var stopped = false
    }

    private let state = Mutex(State())
    private let database: PostgresDatabase
    private let mode: PostgresWakeMode

    init(database: PostgresDatabase, mode: PostgresWakeMode) {
        self.database = database
        self.mode = mode
    }

    /// Registers a waiter for `key`, runs `check`, and returns its value if it has one; otherwise waits until `key`
    /// is notified, the wait `check` returned passes or the task is cancelled, and returns `nil` (the caller looks
    /// again).
    func waiting<Value: Sendable>(
        for key: Key, check: () async throws -> (value: Value?, wait: Duration)
    ) async throws -> Value? {
        startListening()
        let id = state.withLock { state in
            state.nextID += 1
            state.waiters[key, default: [:]][state.nextID] = .armed
            return state.nextID
        }
        defer { remove(key, id) }
        let (value, timeout) = try await check()
        if let value { return value }
        guard timeout > .zero else { return nil }
        let timer = Task {
            do {
                try await Task.sleep(for: timeout)
                self.fire(key, id)
            } catch {}
        }
        defer { timer.cancel() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    guard case .armed = state.waiters[key]?[id] else { return true }
                    state.waiters[key]?[id] = .waiting(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            fire(key, id)
        }
        return nil
    }

    /// How many waiters of `key` are waiting now (registered and not yet woken).
    func waiterCount(for key: Key) -> Int {
        state.withLock { state in
            state.waiters[key]?.values.count { if case .waiting = $0 { true } else { false } } ?? 0
        }
    }

    /// Wakes every waiter of `key`.
    func deliver(_ key: Key) {
        let continuations = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard var slots = state.waiters[key] else { return [] }
            var woken: [CheckedContinuation<Void, Never>] = []
            for (id, slot) in slots {
                if case .waiting(let continuation) = slot { woken.append(continuation) }
                slots[id] = .notified
            }
            state.waiters[key] = slots
            return woken
        }
        for continuation in continuations { continuation.resume() }
    }

    /// Wakes every waiter (notifications may have been missed).
    func deliverToAll() {
        let keys = state.withLock { Array($0.waiters.keys) }
        for key in keys { deliver(key) }
    }

    /// Stops listening and wakes every waiter.
    func stop() {
        let listener = state.withLock { state -> Task<Void, Never>? in
            state.stopped = true
            return state.listener.take()
        }
        listener?.cancel()
        deliverToAll()
    }

    private func fire(_ key: Key, _ id: UInt64) {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let slot = state.waiters[key]?[id] else { return nil }
            state.waiters[key]?[id] = .notified
            if case .waiting(let continuation) = slot { return continuation }
            return nil
        }
        continuation?.resume()
    }

    private func remove(_ key: Key, _ id: UInt64) {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            let slot = state.waiters[key]?.removeValue(forKey: id)
            if state.waiters[key]?.isEmpty == true { state.waiters[key] = nil }
            if case .waiting(let continuation) = slot { return continuation }
            return nil
        }
        continuation?.resume()
    }

    /// Starts the listening task once (not in ``PostgresWakeMode/pollOnly``).
    func startListening() {
        guard mode == .listen else { return }
        let start = state.withLock { state -> Bool in
            guard state.listener == nil, !state.stopped else { return false }
            state.listener = Task { [weak self] in await self?.listen() }
            return true
        }
        _ = start
    }

    private func listen() async {
        var pause = Duration.milliseconds(50)
        let schema = database.schema
        let logger = database.logger
        while !Task.isCancelled {
            do {
                try await database.client.withConnection { connection in
                    try await connection.listen(on: schema.wakeChannel) { wakes in
                        try await connection.listen(on: schema.resultChannel) { results in
                            // Listening now: whatever was sent before is unknown, so every waiter looks again.
                            self.deliverToAll()
                            pause = .milliseconds(50)
                            try await withThrowingTaskGroup(of: Void.self) { group in
                                group.addTask {
                                    for try await notification in wakes { self.deliver(.wake(group: notification.payload)) }
                                }
                                group.addTask {
                                    for try await notification in results {
                                        guard let slash = notification.payload.firstIndex(of: "/") else { continue }
                                        let group = String(notification.payload[..<slash])
                                        let id = String(notification.payload[notification.payload.index(after: slash)...])
                                        self.deliver(.result(group: group, id: id))
                                    }
                                }
                                // Either sequence ending means the connection ended.
                                try await group.next()
                                group.cancelAll()
                            }
                        }
                    }
                }
            } catch {
                if Task.isCancelled { break }
                logger.notice(
                    "The notification connection failed; listening again", metadata: ["postgres.error": "\(String(reflecting: error))"])
            }
            deliverToAll()
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .seconds(2))
        }
    }
}
