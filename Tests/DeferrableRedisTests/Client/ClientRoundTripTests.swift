import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Testing

@Suite("Redis client against a real server", .enabled(if: ClientTestSupport.hasRedis, "REDIS_URL is not set; skipping Redis tests"))
struct ClientRoundTripTests {
    @Test("PING, SET, GET, DEL round trip")
    func roundTrip() async throws {
        let client = try ClientTestSupport.makeClient()
        defer { Task { await client.close() } }
        let key = ClientTestSupport.keyPrefix() + "k"
        #expect(try await client.send(RedisCommand("PING")) == .simpleString("PONG"))
        #expect(try await client.send(RedisCommand("SET", key, "hello")) == .simpleString("OK"))
        #expect(try await client.send(RedisCommand("GET", key)).string == "hello")
        #expect(try await client.send(RedisCommand("DEL", key)).int == 1)
        #expect(try await client.send(RedisCommand("GET", key)).isNull)
        #expect(try await client.send(RedisCommand(["INCRBY", key, "5"])) == .integer(5))
        let values = try await client.send(RedisCommand("MGET", key, key + "missing"))
        #expect(values == .array([.bulkString(Array("5".utf8)), .null]))
        _ = try await client.send(RedisCommand("DEL", key))
        #expect(try await client.serverTimeMillis() > 1_600_000_000_000)
    }

    @Test("binary-safe values: NUL bytes and a 1 MB payload")
    func binarySafe() async throws {
        let client = try ClientTestSupport.makeClient()
        defer { Task { await client.close() } }
        let prefix = ClientTestSupport.keyPrefix()
        let nulKey = Array((prefix + "nul\0key").utf8)
        let nulValue: [UInt8] = [0, 1, 0, 13, 10, 255, 0, 36, 42]
        #expect(try await client.send(RedisCommand([Array("SET".utf8), nulKey, nulValue])) == .simpleString("OK"))
        #expect(try await client.send(RedisCommand("GET", [nulKey])) == .bulkString(nulValue))

        let big = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
        let bigKey = Array((prefix + "big").utf8)
        #expect(try await client.send(RedisCommand("SET", [bigKey, big])) == .simpleString("OK"))
        #expect(try await client.send(RedisCommand("GET", [bigKey])).bytes == big)
        #expect(try await client.send(RedisCommand("STRLEN", [bigKey])).int == 1 << 20)
        #expect(try await client.send(RedisCommand("SET", [bigKey, []])) == .simpleString("OK"))
        #expect(try await client.send(RedisCommand("GET", [bigKey])) == .bulkString([]))
        _ = try await client.send(RedisCommand("DEL", [nulKey, bigKey]))
    }

    @Test("1000 concurrent sends over one client all get their own reply")
    func concurrentSends() async throws {
        let client = try ClientTestSupport.makeClient()
        defer { Task { await client.close() } }
        let prefix = ClientTestSupport.keyPrefix()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<1000 {
                group.addTask {
                    let key = prefix + String(index)
                    _ = try await client.send(RedisCommand("SET", key, "v\(index)"))
                    let value = try await client.send(RedisCommand("GET", key))
                    #expect(value.string == "v\(index)")
                }
            }
            try await group.waitForAll()
        }
        let keys = (0..<1000).map { prefix + String($0) }
        #expect(try await client.send(RedisCommand(["DEL"] + keys)).int == 1000)
    }

    @Test("pipeline returns results in order, with a server error in the middle")
    func pipelineOrder() async throws {
        let client = try ClientTestSupport.makeClient()
        defer { Task { await client.close() } }
        let key = ClientTestSupport.keyPrefix() + "list"
        let results = try await client.pipeline([
            RedisCommand("RPUSH", key, "a", "b"),
            RedisCommand("INCR", key),
            RedisCommand("LRANGE", key, "0", "-1"),
            RedisCommand("DEL", key),
        ])
        #expect(results.count == 4)
        #expect(try results[0].get() == .integer(2))
        guard case .failure(.server(let message)) = results[1] else {
            Issue.record("expected a WRONGTYPE error, got \(results[1])")
            return
        }
        #expect(message.hasPrefix("WRONGTYPE"))
        #expect(try results[2].get() == .array([.bulkString(Array("a".utf8)), .bulkString(Array("b".utf8))]))
        #expect(try results[3].get() == .integer(1))
        #expect(try await client.pipeline([]).isEmpty)

        let many = (0..<500).map { RedisCommand("ECHO", String($0)) }
        let echoed = try await client.pipeline(many)
        #expect(echoed.map { try? $0.get().string } == (0..<500).map { String($0) })
    }

    @Test("an error reply throws RedisError.server with Redis's message")
    func serverError() async throws {
        let client = try ClientTestSupport.makeClient()
        defer { Task { await client.close() } }
        do {
            _ = try await client.send(RedisCommand("NOSUCHCOMMAND", "x"))
            Issue.record("expected an error")
        } catch let error as RedisError {
            guard case .server(let message) = error else {
                Issue.record("expected .server, got \(error)")
                return
            }
            #expect(message.hasPrefix("ERR unknown command"))
            #expect(error.serverErrorCode == "ERR")
        }
        // The connection is still usable afterwards.
        #expect(try await client.send(RedisCommand("PING")) == .simpleString("PONG"))
    }

    @Test(
        "evalScript succeeds while another client flushes the script cache again and again (EVAL after a second NOSCRIPT)",
        .enabled(if: ClientTestSupport.hasRedisServerBinary)
    )
    func scriptsUnderRepeatedFlush() async throws {
        // A server of its own: SCRIPT FLUSH is server-wide.
        let server = try await TemporaryRedisServer(arguments: [])
        defer { server.stop() }
        let client = RedisClient(configuration: RedisConfiguration(host: "127.0.0.1", port: server.port))
        let flusher = RedisClient(configuration: RedisConfiguration(host: "127.0.0.1", port: server.port))
        defer {
            Task {
                await client.close()
                await flusher.close()
            }
        }
        let script = RedisScript(name: "echo-\(UUID().uuidString)", source: "return ARGV[1] -- \(UUID().uuidString)")
        let stop = Locked(false)
        let flushes = Task {
            var count = 0
            // Paced, so that the test does not starve suites running beside it.
            while !stop.value {
                _ = try await flusher.send(RedisCommand("SCRIPT", "FLUSH"))
                count += 1
                try await Task.sleep(for: .microseconds(200))
            }
            return count
        }
        var failures: [String] = []
        for round in 0..<300 {
            do {
                let single = try await client.evalScript(script, keys: [], args: ["s\(round)"])
                if single.string != "s\(round)" { failures.append("single \(round): \(single)") }
                let results = try await client.evalScriptPipelined(script, calls: [([], [Array("p\(round)".utf8)])])
                if try results.first?.get().string != "p\(round)" { failures.append("pipelined \(round): \(results)") }
            } catch {
                failures.append("\(round): \(error)")
            }
        }
        stop.withLock { $0 = true }
        let flushed = try await flushes.value
        let failed = failures.count
        #expect(failed == 0, "e.g. \(failures.prefix(3))")
        #expect(flushed > 0)
    }

    @Test(
        "evalScript survives SCRIPT FLUSH (NOSCRIPT fallback), single and pipelined",
        .enabled(if: ClientTestSupport.hasRedisServerBinary)
    )
    func scripts() async throws {
        // A server of its own: SCRIPT FLUSH is server-wide and would disturb tests running in parallel.
        let server = try await TemporaryRedisServer(arguments: [])
        defer { server.stop() }
        let client = RedisClient(configuration: RedisConfiguration(host: "127.0.0.1", port: server.port))
        defer { Task { await client.close() } }
        let prefix = ClientTestSupport.keyPrefix()
        let script = RedisScript(
            name: "set-and-echo-\(UUID().uuidString)",
            source: "redis.call('SET', KEYS[1], ARGV[1]); return {KEYS[1], ARGV[1], #ARGV} -- \(UUID().uuidString)"
        )
        _ = try await client.send(RedisCommand("SCRIPT", "FLUSH"))
        let reply = try await client.evalScript(script, keys: [prefix + "a"], args: ["one", "two"])
        #expect(reply.array?.map(\.text) == [prefix + "a", "one", "2"])
        #expect(try await client.send(RedisCommand("GET", prefix + "a")).string == "one")

        _ = try await client.send(RedisCommand("SCRIPT", "FLUSH"))
        let calls: [(keys: [String], args: [[UInt8]])] = (0..<20).map { ([prefix + "p\($0)"], [Array("v\($0)".utf8), [0, 1]]) }
        let results = try await client.evalScriptPipelined(script, calls: calls)
        #expect(results.count == 20)
        for (index, result) in results.enumerated() {
            #expect(try result.get().array?.map(\.text) == [prefix + "p\(index)", "v\(index)", "2"])
        }

        let failing = RedisScript(name: "boom", source: "return redis.error_reply('BOOM custom failure')")
        await #expect(throws: RedisError.server(message: "BOOM custom failure")) {
            try await client.evalScript(failing, keys: [], args: [])
        }
        _ = try await client.send(RedisCommand(["DEL", prefix + "a"] + (0..<20).map { prefix + "p\($0)" }))
    }

    @Test("a blocking BLPOP does not delay other callers", .enabled(if: ClientTestSupport.hasRedisServerBinary))
    func blockingIsSeparate() async throws {
        let (client, ownServer) = try await ClientTestSupport.makeClientOnOwnServer()
        defer { Task { await ownServer.close() } }
        let prefix = ClientTestSupport.keyPrefix()
        _ = try await client.send(RedisCommand("PING"))
        let clock = ContinuousClock()
        async let popped = client.sendBlocking(RedisCommand("BLPOP", prefix + "empty", "10"), blockFor: .seconds(10))
        try await client.waitUntilBlocked(1, "the BLPOP to block")
        let start = clock.now
        _ = try await client.send(RedisCommand("SET", prefix + "other", "x"))
        let elapsed = clock.now - start
        // Were the SET queued behind the BLPOP it would take the full 10 s; the bound leaves room for a loaded machine.
        #expect(elapsed < .seconds(3), "SET took \(elapsed) while a BLPOP was blocked")
        _ = try await client.send(RedisCommand("RPUSH", prefix + "empty", "wake"))
        #expect(try await popped.array?.map(\.string) == [prefix + "empty", "wake"])

        // A blocked pop is woken by a push from another caller.
        async let woken = client.sendBlocking(RedisCommand("BLPOP", prefix + "q", "10"), blockFor: .seconds(10))
        try await client.waitUntilBlocked(1, "the second BLPOP to block")
        _ = try await client.send(RedisCommand("RPUSH", prefix + "q", "job"))
        #expect(try await woken.array?.map(\.string) == [prefix + "q", "job"])
        _ = try await client.send(RedisCommand("DEL", prefix + "other"))
    }

    // Database 1 adds a handshake (SELECT) whose deadline is the long connect timeout: the short command timeout
    // of the next command must still fire on time.
    @Test("a missing reply times out and the next call reconnects", arguments: [0, 1])
    func commandTimeout(database: Int) async throws {
        let client = try ClientTestSupport.makeClient {
            $0.commandTimeout = .milliseconds(300)
            $0.connectTimeout = .seconds(10)
            $0.database = database
            $0.poolSize = 1
        }
        defer { Task { await client.close() } }
        let key = ClientTestSupport.keyPrefix() + "never"
        let start = ContinuousClock.now
        await #expect(throws: RedisError.timedOut(operation: "BLPOP", after: .milliseconds(300))) {
            // Deliberately a blocking command on a shared connection, so that no reply arrives in time.
            try await client.send(RedisCommand("BLPOP", key, "10"))
        }
        #expect(ContinuousClock.now - start < .seconds(5), "the timeout must fire long before the 10 s block ends")
        #expect(try await client.send(RedisCommand("PING")) == .simpleString("PONG"))
    }

    @Test("connecting to a closed port throws cannotConnect quickly, and fails fast while backing off")
    func cannotConnect() async throws {
        let port = try ClientTestSupport.freePort()
        // A connect timeout far above the bound below: a refusal must end the call, not the timeout, and the bound
        // leaves room for a loaded machine.
        let client = RedisClient(
            configuration: RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: port), connectTimeout: .seconds(60)))
        defer { Task { await client.close() } }
        let clock = ContinuousClock()
        for _ in 0..<3 {
            let start = clock.now
            do {
                _ = try await client.send(RedisCommand("PING"))
                Issue.record("expected cannotConnect")
            } catch let error as RedisError {
                guard case .cannotConnect(let endpoint, let reason) = error else {
                    Issue.record("expected cannotConnect, got \(error)")
                    return
                }
                #expect(endpoint == "127.0.0.1:\(port)")
                #expect(reason.contains("refused"), "reason: \(reason)")
            }
            #expect(clock.now - start < .seconds(15))
        }
        await #expect(throws: RedisError.self) {
            try await client.sendBlocking(RedisCommand("BLPOP", "x", "1"), blockFor: .seconds(1))
        }
    }

    @Test("a killed connection is replaced on the next call")
    func reconnectAfterKill() async throws {
        let client = try ClientTestSupport.makeClient { $0.poolSize = 1 }
        let killer = try ClientTestSupport.makeClient()
        defer {
            Task {
                await client.close()
                await killer.close()
            }
        }
        let id = try #require(try await client.send(RedisCommand("CLIENT", "ID")).int)
        // Kill by ID rather than TYPE normal so that tests running in parallel are not disturbed.
        #expect(try await killer.send(RedisCommand("CLIENT", "KILL", "ID", String(id))).simpleOrOK)
        try await Task.sleep(for: .milliseconds(100))
        #expect(try await client.send(RedisCommand("PING")) == .simpleString("PONG"))
        let newID = try #require(try await client.send(RedisCommand("CLIENT", "ID")).int)
        #expect(newID != id)
    }

    @Test(
        "close() is idempotent and later calls throw clientClosed; a blocked call is released",
        .enabled(if: ClientTestSupport.hasRedisServerBinary))
    func closeClient() async throws {
        let (client, ownServer) = try await ClientTestSupport.makeClientOnOwnServer()
        defer { Task { await ownServer.close() } }
        _ = try await client.send(RedisCommand("PING"))
        let key = ClientTestSupport.keyPrefix() + "blocked"
        let blocked = Task { try await client.sendBlocking(RedisCommand("BLPOP", key, "5"), blockFor: .seconds(5)) }
        try await client.waitUntilBlocked(1, "the BLPOP to block")
        let start = ContinuousClock.now
        await client.close()
        await client.close()
        await #expect(throws: RedisError.self) {
            try await blocked.value
        }
        #expect(ContinuousClock.now - start < .seconds(1))
        await #expect(throws: RedisError.clientClosed) {
            try await client.send(RedisCommand("PING"))
        }
        await #expect(throws: RedisError.clientClosed) {
            try await client.pipeline([RedisCommand("PING")])
        }
        await #expect(throws: RedisError.clientClosed) {
            try await client.sendBlocking(RedisCommand("BLPOP", key, "1"), blockFor: .seconds(1))
        }
    }

    @Test("cancelling a blocked call aborts it promptly", .enabled(if: ClientTestSupport.hasRedisServerBinary))
    func cancelBlocked() async throws {
        let (client, ownServer) = try await ClientTestSupport.makeClientOnOwnServer()
        defer { Task { await ownServer.close() } }
        let key = ClientTestSupport.keyPrefix() + "cancel"
        let blocked = Task { try await client.sendBlocking(RedisCommand("BLPOP", key, "5"), blockFor: .seconds(5)) }
        try await client.waitUntilBlocked(1, "the BLPOP to block")
        let start = ContinuousClock.now
        blocked.cancel()
        await #expect(throws: CancellationError.self) {
            try await blocked.value
        }
        #expect(ContinuousClock.now - start < .seconds(1))
        #expect(try await client.sendBlocking(RedisCommand("LPOP", key), blockFor: .zero).isNull)
    }

    @Test("durability check reports what the server is configured with")
    func durabilityCheck() async throws {
        let client = try ClientTestSupport.makeClient()
        defer { Task { await client.close() } }
        let policy = try await client.send(RedisCommand("CONFIG", "GET", "maxmemory-policy")).array?[1].string
        let save = try await client.send(RedisCommand("CONFIG", "GET", "save")).array?[1].string
        let appendonly = try await client.send(RedisCommand("CONFIG", "GET", "appendonly")).array?[1].string
        let warnings = await client.checkDurabilitySettings()
        #expect(warnings.contains { $0.contains("evicted") } == (policy != "noeviction"))
        #expect(warnings.contains { $0.contains("persistence is off") } == (save == "" && appendonly == "no"))
    }
}

extension RedisValue {
    fileprivate var simpleOrOK: Bool {
        self == .simpleString("OK") || self == .integer(1)
    }
}

extension RedisValue {
    /// Strings as themselves, integers in decimal.
    fileprivate var text: String? {
        string ?? int.map(String.init)
    }
}

@Suite("Redis client throughput smoke test", .enabled(if: ClientTestSupport.hasRedis, "REDIS_URL is not set; skipping Redis tests"))
struct ClientThroughputTests {
    @Test("sequential and concurrent round trips (rates are printed, not asserted)")
    func throughput() async throws {
        let client = try ClientTestSupport.makeClient()
        defer { Task { await client.close() } }
        let key = ClientTestSupport.keyPrefix() + "counter"
        _ = try await client.send(RedisCommand("PING"))
        let clock = ContinuousClock()

        let sequential = 5000
        var start = clock.now
        for _ in 0..<sequential {
            _ = try await client.send(RedisCommand("INCR", key))
        }
        let sequentialTime = clock.now - start

        let concurrent = 50_000
        let workers = 64
        start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<workers {
                group.addTask {
                    for _ in 0..<(concurrent / workers) {
                        _ = try await client.send(RedisCommand("INCR", key))
                    }
                }
            }
            try await group.waitForAll()
        }
        let concurrentTime = clock.now - start
        let total = sequential + (concurrent / workers) * workers
        #expect(try await client.send(RedisCommand("GET", key)).int == Int64(total))
        _ = try await client.send(RedisCommand("DEL", key))
        print(
            "sequential: \(rate(sequential, sequentialTime)) round trips/s; concurrent (\(workers) tasks): "
                + "\(rate((concurrent / workers) * workers, concurrentTime)) commands/s")
    }

    private func rate(_ count: Int, _ duration: Duration) -> Int {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return Int(Double(count) / seconds)
    }
}
