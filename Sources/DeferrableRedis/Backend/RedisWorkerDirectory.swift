import Deferrable
import Foundation

/// The ``WorkerDirectory`` of a group on Redis: each heartbeat is a JSON string under `P:{G}:worker:<id>` that expires
/// by itself (`PX`), indexed by expiry in the ZSET `P:{G}:workers`, which expires with its latest member. Expiry is
/// measured by the Redis server clock from the moment of the beat, so workers on hosts whose clocks differ agree; at
/// most ``WorkerHeartbeat/maxWorkersPerGroup`` heartbeats are kept. A beat adds the group to the known groups
/// (``GroupRegistration``, in the background, like a push), so that a group only consumed so far is listed too.
struct RedisWorkerDirectory: WorkerDirectory {
    let client: RedisClient
    let keys: RedisKeys
    let group: String
    let registration: GroupRegistration

    func beat(_ heartbeat: WorkerHeartbeat) async throws {
        try heartbeat.validate()
        registration.registerInBackground(client: client, keys: keys, group: group)
        let json = try JSONEncoder().encode(heartbeat)
        _ = try await client.evalScript(
            .workerBeat, keys: [keys.workers],
            binaryArgs: [
                Array(heartbeat.id.utf8), Array(json), Array(String(heartbeat.expiresAfterMillis).utf8),
                Array(String(WorkerHeartbeat.maxWorkersPerGroup).utf8), Array(keys.workerPrefix.utf8),
            ])
    }

    func remove(workerID id: String) async throws {
        _ = try await client.evalScript(.workerRemove, keys: [keys.workers], args: [id, keys.workerPrefix])
    }

    func workers() async throws -> [WorkerHeartbeat] {
        let reply = try await client.evalScript(
            .workerList, keys: [keys.workers], args: [keys.workerPrefix, String(WorkerHeartbeat.maxWorkersPerGroup)])
        guard let values = reply.array else { throw RedisError.protocolError("workerList script returned \(reply)") }
        let decoder = JSONDecoder()
        // A heartbeat that does not decode or is out of bounds (another writer's) is left out.
        return values.compactMap { value -> WorkerHeartbeat? in
            guard let bytes = value.bytes, let heartbeat = try? decoder.decode(WorkerHeartbeat.self, from: Data(bytes)),
                (try? heartbeat.validate()) != nil
            else { return nil }
            return heartbeat
        }
        .sorted(by: WorkerHeartbeat.listingOrder)
    }
}
