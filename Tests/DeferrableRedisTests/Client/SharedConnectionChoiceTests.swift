import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Testing

/// Which of a client's shared connections a call goes to: one caller at a time stays on one connection (its event
/// loop thread stays warm), and a call made while another is in flight goes to another connection.
@Suite(
    "Redis client: choice of shared connection",
    .enabled(if: ClientTestSupport.hasRedis, "REDIS_URL is not set; skipping Redis tests"), .timeLimit(.minutes(1)))
struct SharedConnectionChoiceTests {
    private func clientID(_ client: RedisClient) async throws -> Int64 {
        try #require(await client.send(RedisCommand("CLIENT", "ID")).int)
    }

    @Test("one caller at a time stays on one shared connection")
    func sequentialCallsStay() async throws {
        let client = try ClientTestSupport.makeClient { $0.poolSize = 2 }
        var ids: Set<Int64> = []
        for _ in 0..<20 { ids.insert(try await clientID(client)) }
        await client.close()
        #expect(ids.count == 1, "connections used: \(ids.sorted())")
    }

    @Test("a call made while another is in flight goes to another shared connection")
    func concurrentCallsSpread() async throws {
        let client = try ClientTestSupport.makeClient { $0.poolSize = 2 }
        let control = try ClientTestSupport.makeClient()
        let key = ClientTestSupport.keyPrefix() + "paused"
        let firstID = try await clientID(client)
        // Writes are held by the server until unpaused: the push stays in flight on the first connection.
        _ = try await control.send(RedisCommand("CLIENT", "PAUSE", "10000", "WRITE"))
        let push = Task { try await client.send(RedisCommand("LPUSH", key, "x")) }
        do {
            try await eventually("the push to be held by the server") {
                let list = try await control.send(RedisCommand("CLIENT", "LIST")).string ?? ""
                return list.split(separator: "\n").contains { $0.contains("id=\(firstID) ") && $0.contains("cmd=lpush") }
            }
            let secondID = try await clientID(client)
            #expect(secondID != firstID, "a call beside one in flight went to the same connection")
        } catch {
            Issue.record("\(error)")
        }
        _ = try await control.send(RedisCommand("CLIENT", "UNPAUSE"))
        #expect(try await push.value.int == 1)
        _ = try await control.send(RedisCommand("DEL", key))
        await client.close()
        await control.close()
    }
}
